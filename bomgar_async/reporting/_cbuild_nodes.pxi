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


cdef object _plain_attr(xmlNode* c, const char* name):
    """``element.get(name)``: the attribute without a namespace (``None`` when absent). Its
    value is read in place when it is one text node, as libxml2 stores a parsed value."""
    cdef xmlAttr* a = c.properties
    cdef xmlNode* value
    while a is not NULL:
        if a.ns is NULL and strcmp(<const char*>a.name, name) == 0:
            value = a.children
            if value is NULL:
                return ""
            if value.next is NULL and value.type == tree.XML_TEXT_NODE and value.content is not NULL:
                return pyunicode(value.content)
            return attributeValue(c, a)
        a = a.next
    if c.doc is not NULL and (c.doc.intSubset is not NULL or c.doc.extSubset is not NULL):
        return attributeValueFromNsName(c, NULL, <const_xmlChar*>name)  # DTD defaults
    return None


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
