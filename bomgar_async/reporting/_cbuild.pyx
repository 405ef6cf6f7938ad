# cython: language_level=3, boundscheck=False, wraparound=False
from lxml.includes cimport tree
from lxml.includes.tree cimport xmlNode, const_xmlChar
from lxml.includes.etreepublic cimport _Element, import_lxml__etree, elementFactory, attributeValueFromNsName, pyunicode
from libc.string cimport strcmp

import_lxml__etree()

from bomgar_async.reporting import build_events as _be
from bomgar_async.reporting.models.fast import new_session_event, new_event_party
from bomgar_async.reporting.models.events import chat_body

cdef dict _PARTIES = _be._PARTIES
cdef object _when = _be._when
cdef object _py_party = _be._party
cdef object _py_data = _be._data
cdef object _py_files = _be._files
cdef object _py_category = _be._category
cdef object _element_text = _be.element_text
cdef object _named_children = _be.named_children
cdef object _to_int = _be.to_int

cdef inline bint _is_text(xmlNode* c):
    return c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE

cdef object _text(xmlNode* c_node):
    """lxml's .text of c_node (None when no text nodes)."""
    cdef xmlNode* c = c_node.children
    cdef xmlNode* found = NULL
    cdef int count = 0
    while c is not NULL and (_is_text(c) or c.type == tree.XML_XINCLUDE_START or c.type == tree.XML_XINCLUDE_END):
        if _is_text(c):
            count += 1
            if c.content[0] != 0:
                if found is not NULL:
                    return None  # slow path marker: handled by caller? (prototype)
                found = c
        c = c.next
    if found is NULL:
        return '' if count else None
    return pyunicode(found.content)

cdef inline bint _has_child_element(xmlNode* c_node):
    cdef xmlNode* c = c_node.children
    while c is not NULL:
        if c.type == tree.XML_ELEMENT_NODE:
            return True
        c = c.next
    return False

cdef object _etext(_Element doc_el, xmlNode* c):
    if _has_child_element(c):
        return _element_text(elementFactory(doc_el._doc, c))
    t = _text(c)
    if t:
        return t.strip() or None
    return None

cdef object _party(_Element doc_el, xmlNode* c):
    g = attributeValueFromNsName(c, NULL, <const_xmlChar*>b"gsnumber")
    k = attributeValueFromNsName(c, NULL, <const_xmlChar*>b"type")
    if g is not None and k is not None and not _has_child_element(c):
        text = _text(c)
        key = (g, k, text)
        party = _PARTIES.get(key)
        if party is None:
            return _py_party(elementFactory(doc_el._doc, c))
        return party
    return _py_party(elementFactory(doc_el._doc, c))

cdef object _data(_Element doc_el, xmlNode* holder):
    cdef list found = []
    cdef xmlNode* c = holder.children
    while c is not NULL:
        if c.type == tree.XML_ELEMENT_NODE and strcmp(<const char*>c.name, b"value") == 0:
            n = attributeValueFromNsName(c, NULL, <const_xmlChar*>b"name")
            v = attributeValueFromNsName(c, NULL, <const_xmlChar*>b"value")
            if n is None or v is None:
                return _py_data(elementFactory(doc_el._doc, holder))
            found.append((n or "", v))
        c = c.next
    return tuple(found)

cdef object _event(_Element doc_el, xmlNode* ev, stamp, etype):
    cdef xmlNode* performed = NULL
    cdef xmlNode* destination = NULL
    cdef xmlNode* body_at = NULL
    cdef xmlNode* encoded_at = NULL
    cdef xmlNode* filename_at = NULL
    cdef xmlNode* filesize_at = NULL
    cdef xmlNode* files_at = NULL
    cdef xmlNode* data_at = NULL
    cdef xmlNode* system_at = NULL
    cdef xmlNode* c = ev.children
    cdef const char* name
    while c is not NULL:
        if c.type == tree.XML_ELEMENT_NODE:
            name = <const char*>c.name
            if strcmp(name, b"performed_by") == 0:
                if performed is NULL: performed = c
            elif strcmp(name, b"destination") == 0:
                if destination is NULL: destination = c
            elif strcmp(name, b"data") == 0:
                if data_at is NULL: data_at = c
            elif strcmp(name, b"body") == 0:
                if body_at is NULL: body_at = c
            elif strcmp(name, b"encoded_body") == 0:
                if encoded_at is NULL: encoded_at = c
            elif strcmp(name, b"system_information") == 0:
                if system_at is NULL: system_at = c
            elif strcmp(name, b"files") == 0:
                if files_at is NULL: files_at = c
            elif strcmp(name, b"filename") == 0:
                if filename_at is NULL: filename_at = c
            elif strcmp(name, b"filesize") == 0:
                if filesize_at is NULL: filesize_at = c
        c = c.next
    body = encoded = None
    if body_at is not NULL or encoded_at is not NULL:
        body, encoded = chat_body(
            _etext(doc_el, body_at) if body_at is not NULL else None,
            _etext(doc_el, encoded_at) if encoded_at is not NULL else None)
    return new_session_event(
        _when(stamp), etype,
        None if performed is NULL else _party(doc_el, performed),
        None if destination is NULL else _party(doc_el, destination),
        body, encoded,
        None if filename_at is NULL else _etext(doc_el, filename_at),
        None if filesize_at is NULL else _to_int(_etext(doc_el, filesize_at)),
        () if files_at is NULL else _py_files(elementFactory(doc_el._doc, files_at)),
        () if data_at is NULL else _data(doc_el, data_at),
        () if system_at is NULL else tuple([_py_category(x) for x in _named_children(elementFactory(doc_el._doc, system_at), "category")]),
    )

def events_of(_Element details):
    if details is None:
        return ()
    cdef list found = []
    cdef xmlNode* c = details._c_node.children
    while c is not NULL:
        if c.type == tree.XML_ELEMENT_NODE and strcmp(<const char*>c.name, b"event") == 0:
            stamp = attributeValueFromNsName(c, NULL, <const_xmlChar*>b"timestamp")
            etype = attributeValueFromNsName(c, NULL, <const_xmlChar*>b"event_type")
            if stamp is None or etype is None:
                found.append(_be._event(elementFactory(details._doc, c), stamp, etype))  # prototype
            elif _has_child_element(c):
                found.append(_event(details, c, stamp, etype))
            else:
                found.append(new_session_event(_when(stamp), etype))
        c = c.next
    return tuple(found)
