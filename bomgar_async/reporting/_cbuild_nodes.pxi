# lxml's element properties (.text, .tail, .get, len(), the readers of _xml.tree) on
# libxml2's C nodes.
# Included by _cbuild.pyx (one compiled module); the names it uses are defined there.

# --- lxml's element properties, on C nodes -------------------------------------------

cdef inline xmlNode* _text_or_skip(xmlNode* c) noexcept:
    while c is not NULL:
        if c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE:
            return c
        if c.type == tree.XML_XINCLUDE_START or c.type == tree.XML_XINCLUDE_END:
            c = c.next
        else:
            return NULL
    return NULL


cdef object _collect(xmlNode* start):
    """lxml's ``.text`` (from ``children``) or ``.tail`` (from ``next``)."""
    cdef xmlNode* first = _text_or_skip(start)
    cdef xmlNode* cur = first
    cdef const_xmlChar* found = NULL
    cdef int count = 0
    while cur is not NULL:
        if cur.content is not NULL and cur.content[0] != 0:
            found = cur.content
        count += 1
        cur = _text_or_skip(cur.next)
    if found is NULL:
        return "" if count else None
    if count == 1:
        return pyunicode(found)
    parts = []
    cur = first
    while cur is not NULL:
        if cur.content is not NULL:
            parts.append(<bytes>(<const char*>cur.content))
        cur = _text_or_skip(cur.next)
    return b"".join(parts).decode("utf-8")


cdef inline bint _is_element(xmlNode* c) except -1:
    """Whether ``c`` is an element; text-like nodes are not; anything lxml would list
    as a child but the builders cannot read raises :class:`_Fallback`."""
    if c.type == tree.XML_ELEMENT_NODE:
        return True
    if (
        c.type == tree.XML_TEXT_NODE
        or c.type == tree.XML_CDATA_SECTION_NODE
        or c.type == tree.XML_XINCLUDE_START
        or c.type == tree.XML_XINCLUDE_END
    ):
        return False
    raise _Fallback()


cdef bint _has_children(xmlNode* c) except -1:
    """``len(element) > 0``."""
    cdef xmlNode* kid = c.children
    while kid is not NULL:
        if _is_element(kid):
            return True
        kid = kid.next
    return False


cdef inline bint _is_xsi(xmlAttr* a) noexcept:
    return a.ns is not NULL and a.ns.href is not NULL and strcmp(<const char*>a.ns.href, _XSI) == 0


cdef bint _has_attributes(xmlNode* c) noexcept:
    cdef xmlAttr* a = c.properties
    while a is not NULL:
        if not _is_xsi(a):
            return True
        a = a.next
    return False


cdef enum:
    _SHORT = 32  # bytes of a value kept in the table below, its final NUL included
    _SLOTS = 1024  # a power of two


cdef struct _SharedSlot:
    size_t hash
    PyObject* value
    char key[_SHORT]


cdef _SharedSlot _SHARED_STRS[_SLOTS]


cdef object _shared_str(const_xmlChar* text):
    """``pyunicode(text)``, the same ``str`` object for a short value seen before in the same
    slot of a small direct-mapped table (event types, party numbers and kinds, names):
    these repeat on every event, and a shared string is neither decoded nor freed again,
    and keeps its hash. Longer values are decoded each time."""
    cdef const unsigned char* at = <const unsigned char*>text
    cdef size_t digest = 14695981039346656037ULL  # FNV-1a
    cdef size_t size = 0
    while at[size] != 0:
        if size == _SHORT - 1:
            return pyunicode(text)
        digest = (digest ^ at[size]) * 1099511628211ULL
        size += 1
    cdef _SharedSlot* slot = &_SHARED_STRS[digest & (_SLOTS - 1)]
    if slot.value is not NULL and slot.hash == digest and strcmp(slot.key, <const char*>text) == 0:
        return <object>slot.value
    value = pyunicode(text)
    cdef PyObject* old = slot.value
    Py_INCREF(value)
    slot.value = <PyObject*>value
    slot.hash = digest
    memcpy(slot.key, text, size + 1)
    Py_XDECREF(old)
    return value


cdef inline const_xmlChar* _lone_text(xmlNode* first) noexcept:
    """The content of ``first`` when it is a text node with no sibling after it (how libxml2
    stores a parsed attribute value, or an element's only text); NULL otherwise."""
    if first is not NULL and first.next is NULL and first.type == tree.XML_TEXT_NODE:
        return first.content
    return NULL


cdef inline xmlAttr* _plain(xmlNode* c, const char* name) noexcept:
    """The attribute ``name`` without a namespace, or NULL."""
    cdef xmlAttr* a = c.properties
    while a is not NULL:
        if a.ns is NULL and strcmp(<const char*>a.name, name) == 0:
            return a
        a = a.next
    return NULL


cdef object _plain_attr(xmlNode* c, const char* name, bint shared=False):
    """``element.get(name)``: the attribute without a namespace (``None`` when absent). Its
    value is read in place when it is one text node, as libxml2 stores a parsed value
    (``shared``: through :func:`_shared_str`, for values that repeat)."""
    cdef xmlAttr* a = _plain(c, name)
    cdef const_xmlChar* text
    if a is not NULL:
        if a.children is NULL:
            return ""
        text = _lone_text(a.children)
        if text is not NULL:
            return _shared_str(text) if shared else pyunicode(text)
        return attributeValue(c, a)
    if c.doc is not NULL and (c.doc.intSubset is not NULL or c.doc.extSubset is not NULL):
        return attributeValueFromNsName(c, NULL, <const_xmlChar*>name)  # DTD defaults
    return None


cdef object _epoch_attr(xmlNode* c):
    """The datetime of a ``timestamp`` attribute without a namespace whose value, one text
    node, is 1 to 10 ASCII digits (as :func:`_stamp` converts them), read in place without
    making its string; ``None`` for any other attribute or none."""
    cdef xmlAttr* a = _plain(c, b"timestamp")
    if a is NULL:
        return None
    cdef const unsigned char* digits = <const unsigned char*>_lone_text(a.children)
    if digits is NULL:
        return None
    cdef long long seconds = 0
    cdef int size = 0
    while digits[size] != 0:
        if size == 10 or digits[size] < 48 or digits[size] > 57:  # not 0-9
            return None
        seconds = seconds * 10 + (digits[size] - 48)
        size += 1
    return _from_epoch(seconds) if size else None


cdef object _attr(xmlNode* c, const char* name):
    """``attr_of``: the attribute without a namespace, else the first namespaced one of
    that local name (not ``xsi:``)."""
    value = _plain_attr(c, name)
    if value is not None:
        return value
    cdef xmlAttr* a = c.properties
    while a is not NULL:
        if a.ns is not NULL and strcmp(<const char*>a.name, name) == 0 and not _is_xsi(a):
            return attributeValue(c, a)
        a = a.next
    return None


cdef object _own_text(xmlNode* c, object text):
    """``own_text`` of an element with children (``text`` is its ``.text``)."""
    parts = [text or ""]
    cdef xmlNode* kid = c.children
    while kid is not NULL:
        if _is_element(kid):
            tail = _collect(kid.next)
            parts.append(tail or "")
        kid = kid.next
    joined = "".join(parts)
    if joined:
        return joined.strip() or None
    return None


cdef object _etext(xmlNode* c):
    """``element_text`` (``None`` for a NULL node)."""
    if c is NULL:
        return None
    cdef const unsigned char* content = <const unsigned char*>_lone_text(c.children)
    cdef size_t last
    if content is not NULL and 0x21 <= content[0] <= 0x7E:
        last = strlen(<const char*>content) - 1
        if 0x21 <= content[last] <= 0x7E:  # printable ASCII at both ends: strip() keeps it
            return pyunicode(<const_xmlChar*>content)
    text = _collect(c.children)
    if _has_children(c):
        return _own_text(c, text)
    if text:
        return text.strip() or None
    return None


cdef bint _is_blank(xmlNode* c) except -1:
    """``is_blank_element``."""
    if c is NULL:
        return True
    if _has_children(c) or _has_attributes(c):
        return False
    text = _collect(c.children)
    return not text or text.isspace()


cdef inline bint _is_named(xmlNode* c, const char* name) noexcept:
    return strcmp(<const char*>c.name, name) == 0


cdef list _children_named(xmlNode* parent, const char* name):
    """``named_children`` as C nodes (in a list of lxml elements' stand-ins: addresses)."""
    cdef list found = []
    if parent is NULL:
        return found
    cdef xmlNode* kid = parent.children
    while kid is not NULL:
        if _is_element(kid) and _is_named(kid, name):
            found.append(<size_t>kid)
        kid = kid.next
    return found


cdef xmlNode* _first(xmlNode* parent, const char* name) except? NULL:
    """The first child element called ``name`` (NULL when none)."""
    if parent is NULL:
        return NULL
    cdef xmlNode* kid = parent.children
    while kid is not NULL:
        if _is_element(kid) and _is_named(kid, name):
            return kid
        kid = kid.next
    return NULL


cdef inline object _proxy(_Element owner, xmlNode* c):
    return elementFactory(owner._doc, c)


cdef object _attr_int(value):
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


cdef object _stripped(value):
    return (value or "").strip() or None
