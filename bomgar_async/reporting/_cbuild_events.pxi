# References, event parties and events (build_refs.py, build_events.py) from C nodes.
# Included by _cbuild.pyx (one compiled module); the names it uses are defined there.

# --- references, parties and events ----------------------------------------------------

cdef object _ref(object build, xmlNode* c):
    """What ``build`` (one of ``build_refs``' builders) makes of ``c``."""
    if _is_blank(c):
        return None
    if build is _named:
        return _kept(NamedRef(id=_attr_int(_attr(c, b"id")), name=_etext(c)))
    if build is _participant:
        return _kept(ParticipantRef(
            name=_etext(c), id=_attr_int(_attr(c, b"id")), gsnumber=_attr_int(_attr(c, b"gsnumber"))
        ))
    if build is _jump_group:
        return _kept(JumpGroup(
            type=_stripped(_attr(c, b"type")), id=_attr_int(_attr(c, b"id")), name=_etext(c)
        ))
    return _kept(SessionTeam(
        id=_attr_int(_attr(c, b"id")),
        name=_etext(c),
        primary_team=_to_bool(_attr(c, b"primary_team")),
    ))


cdef object _shared(_Element owner, object build, xmlNode* c):
    """``build_refs._shared``: one instance per distinct childless element."""
    if c is NULL:
        return None
    if _has_children(c):
        return _ref(build, c)
    key = (build, _collect(c.children), tuple(collectAttributes(c, 3)))
    cdef dict shared = _REFS["_SHARED"]
    made = shared.get(key)
    if made is not None or key in shared:
        return made
    made = _ref(build, c)
    if len(shared) >= _REFS["_MAX_SHARED"]:
        shared.clear()
    shared[key] = made
    return made


cdef object _party(_Element owner, xmlNode* c):
    """``build_events._party``; the common shape from the shared instances."""
    gsnumber = _plain_attr(c, b"gsnumber", True)
    kind = _plain_attr(c, b"type", True)
    cdef const_xmlChar* only
    if gsnumber is not None and kind is not None and not _has_children(c):
        # The common shape, <performed_by gsnumber= type=>name</...>: shared instances.
        only = _lone_text(c.children)
        if only is not NULL and only[0] != 0:
            text = _shared_str(only)  # what _collect reads from one text node
        else:
            text = _collect(c.children)
        key = (gsnumber, kind, text)
        parties = <dict>_EVENTS["_PARTIES"]
        party = parties.get(key)
        if party is None:
            party = _kept(_new_party(
                _attr_int(gsnumber),
                (<str>kind).strip() or None,
                ((<str>text).strip() or None) if text else None,
            ))
            if len(parties) >= _EVENTS["_MAX_PARTIES"]:
                parties.clear()
            parties[key] = party
        return party
    return _py_party(_proxy(owner, c))


cdef object _data(_Element owner, xmlNode* holder):
    """``build_events._data``."""
    cdef list found = []
    cdef xmlNode* kid = holder.children
    while kid is not NULL:
        if _is_element(kid) and _is_named(kid, b"value"):
            name = _plain_attr(kid, b"name", True)
            text = _plain_attr(kid, b"value")
            if name is None or text is None:
                if _is_blank(kid):
                    kid = kid.next
                    continue
                name, text = _attr(kid, b"name"), _attr(kid, b"value")
            found.append(_kept((name or "", text)))
        kid = kid.next
    return _kept(tuple(found))


cdef tuple _texts(xmlNode* parent, const char* name):
    """``build_events.texts_of``."""
    if parent is NULL:
        return ()
    found = []
    cdef xmlNode* kid = parent.children
    while kid is not NULL:
        if _is_element(kid) and _is_named(kid, name):
            found.append(_etext(kid))
        kid = kid.next
    return _kept(tuple(found))


cdef tuple _files(xmlNode* holder):
    """``build_events._files``."""
    cdef xmlNode* c
    found = []
    for at in _children_named(holder, b"file"):
        c = <xmlNode*><size_t>at
        found.append(_kept(EventFile(name=_attr(c, b"name"), size=_attr_int(_attr(c, b"size")))))
    return _kept(tuple(found))


cdef object _category(xmlNode* c):
    """``build_events._category``."""
    return _kept(SystemInfoCategory(
        name=_stripped(_attr(c, b"name")) or _etext(_first(c, b"name")),
        description=_texts(_first(c, b"description"), b"field"),
        rows=tuple([
            _texts(<xmlNode*><size_t>at, b"field")
            for at in _children_named(_first(c, b"data"), b"row")
        ]),
    ))


cdef object _event(_Element owner, xmlNode* event, when, event_type):
    """``build_events._event``: the first child of each name counts."""
    cdef xmlNode* performed = NULL
    cdef xmlNode* destination = NULL
    cdef xmlNode* body_at = NULL
    cdef xmlNode* encoded_at = NULL
    cdef xmlNode* filename_at = NULL
    cdef xmlNode* filesize_at = NULL
    cdef xmlNode* files_at = NULL
    cdef xmlNode* data_at = NULL
    cdef xmlNode* system_at = NULL
    cdef xmlNode* kid = event.children
    cdef const char* name
    while kid is not NULL:
        if _is_element(kid):
            name = <const char*>kid.name
            if strcmp(name, b"performed_by") == 0:
                if performed is NULL:
                    performed = kid
            elif strcmp(name, b"destination") == 0:
                if destination is NULL:
                    destination = kid
            elif strcmp(name, b"data") == 0:
                if data_at is NULL:
                    data_at = kid
            elif strcmp(name, b"body") == 0:
                if body_at is NULL:
                    body_at = kid
            elif strcmp(name, b"encoded_body") == 0:
                if encoded_at is NULL:
                    encoded_at = kid
            elif strcmp(name, b"system_information") == 0:
                if system_at is NULL:
                    system_at = kid
            elif strcmp(name, b"files") == 0:
                if files_at is NULL:
                    files_at = kid
            elif strcmp(name, b"filename") == 0:
                if filename_at is NULL:
                    filename_at = kid
            elif strcmp(name, b"filesize") == 0:
                if filesize_at is NULL:
                    filesize_at = kid
        kid = kid.next
    body = encoded = None
    if body_at is not NULL or encoded_at is not NULL:
        body, encoded = _etext(body_at), _etext(encoded_at)
        if body is None and encoded is not None:
            body = _chat_body(None, encoded)[0]  # decoded from the encoded body
    categories = ()
    if system_at is not NULL:
        categories = tuple([
            _category(<xmlNode*><size_t>at) for at in _children_named(system_at, b"category")
        ])
    return _new_event(
        when,
        event_type,
        None if performed is NULL else _party(owner, performed),
        None if destination is NULL else _party(owner, destination),
        body,
        encoded,
        None if filename_at is NULL else _etext(filename_at),
        None if filesize_at is NULL else _to_int(_etext(filesize_at)),
        () if files_at is NULL else _files(files_at),
        () if data_at is NULL else _data(owner, data_at),
        categories,
    )


cdef tuple _events_of(_Element owner, xmlNode* details):
    """``build_events.events_of``."""
    if details is NULL:
        return ()
    cdef list found = []
    cdef xmlNode* kid = details.children
    while kid is not NULL:
        if _is_element(kid) and _is_named(kid, b"event"):
            event_type = _plain_attr(kid, b"event_type", True)
            when = _epoch_attr(kid)  # whole seconds, read in place
            if when is None:
                stamp = _plain_attr(kid, b"timestamp")
                if stamp is None or event_type is None:
                    stamp, event_type = _attr(kid, b"timestamp"), _attr(kid, b"event_type")
                when = _stamp(stamp)
            elif event_type is None:  # the timestamp has no namespace: _attr reads the same
                event_type = _attr(kid, b"event_type")
            if _has_children(kid):
                found.append(_event(owner, kid, when, event_type))
            else:
                found.append(_new_event(when, event_type))
        kid = kid.next
    return _kept(tuple(found))
