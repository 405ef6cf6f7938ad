# The depth limit's check on a finished item, read from the C tree (included by _cbuild.pyx).


def deeper_than(element, int levels):
    """Whether the lxml ``element`` holds an element ``levels`` levels below it (a child
    is 1 level below): what the XPath ``boolean(*/*/…/*)`` of ``levels`` steps answers
    (:func:`bomgar_async._xml.parsing.lxml_deeper_than`), found by walking the C nodes in
    document order without building node sets. Only element nodes count and are entered
    (text, comments and entity references are not). ``levels`` below 1 answers ``True``.

    Raises:
        TypeError: ``element`` is not an lxml element.
    """
    if not isinstance(element, _Element):
        raise TypeError(f"deeper_than() needs an lxml element, not {type(element).__name__}")
    if levels < 1:
        return True
    cdef xmlNode* top = (<_Element>element)._c_node
    cdef xmlNode* node = top.children
    cdef int depth = 1
    while node is not NULL:
        if node.type == tree.XML_ELEMENT_NODE:
            if depth >= levels:
                return True
            if node.children is not NULL:
                node = node.children
                depth += 1
                continue
        while node.next is NULL:
            node = node.parent
            depth -= 1
            if depth == 0 or node is NULL:
                return False
        node = node.next
    return False
