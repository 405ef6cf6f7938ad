# Models filled slot by slot (as models.fast does) and event timestamps from whole UNIX
# seconds: the compiled builder's constructors.
# Included by _cbuild.pyx (one compiled module); the names it uses are defined there.

# --- models made without their keyword __init__ (as models.fast does) ------------------

_MemberDescriptor = type(SessionEvent.timestamp)
_object_new = object.__new__


cdef class _Slots:
    """Where each field of a plain slotted attrs class lives in its instances: filling
    them is what the class's ``__init__`` does (``models.fast`` checks the class)."""

    cdef object cls
    cdef Py_ssize_t offsets[32]
    cdef int count

    def __init__(self, cls, names):
        _slot_setters(cls, names)  # TypeError unless plain, slotted, fields in this order
        if len(names) > 32:
            raise TypeError(f"{cls.__name__} has too many fields")
        cdef PyMemberDef* member
        for i, name in enumerate(names):
            descriptor = vars(cls)[name]
            if type(descriptor) is not _MemberDescriptor:
                raise TypeError(f"{cls.__name__}.{name} is not a slot")
            member = (<PyMemberDescrObject*>descriptor).d_member
            if member.type != T_OBJECT_EX or member.flags & READONLY:
                raise TypeError(f"{cls.__name__}.{name} is not a plain object slot")
            self.offsets[i] = member.offset
        self.cls = cls
        self.count = len(names)


cdef inline void _put(object made, Py_ssize_t offset, object value):
    cdef PyObject** slot = <PyObject**>((<char*><PyObject*>made) + offset)
    cdef PyObject* old = slot[0]
    Py_INCREF(value)
    slot[0] = <PyObject*>value
    Py_XDECREF(old)


cdef _Slots _EVENT = _Slots(SessionEvent, (
    "timestamp", "event_type", "performed_by", "destination", "body", "encoded_body",
    "filename", "filesize", "files", "data", "system_information",
))


cdef object _new_event(
    timestamp, event_type, performed_by=None, destination=None, body=None,
    encoded_body=None, filename=None, filesize=None, files=(), data=(),
    system_information=(),
):
    """``models.fast.new_session_event``."""
    event = _object_new(SessionEvent)
    cdef Py_ssize_t* at = _EVENT.offsets
    _put(event, at[0], timestamp)
    _put(event, at[1], event_type)
    _put(event, at[2], performed_by)
    _put(event, at[3], destination)
    _put(event, at[4], body)
    _put(event, at[5], encoded_body)
    _put(event, at[6], filename)
    _put(event, at[7], filesize)
    _put(event, at[8], files)
    _put(event, at[9], data)
    _put(event, at[10], system_information)
    return _kept(event)


cdef object _UTC = _events._UTC


cdef object _from_epoch(long long seconds):
    """``datetime.fromtimestamp(seconds, timezone.utc)`` for 0 <= seconds < 10**10, from the
    proleptic Gregorian calendar (days to civil date, H. Hinnant's algorithm)."""
    cdef long long days = seconds // 86400
    cdef long long rest = seconds - days * 86400
    cdef long long z = days + 719468
    cdef long long era = z // 146097
    cdef long long doe = z - era * 146097
    cdef long long yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    cdef long long doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    cdef long long mp = (5 * doy + 2) // 153
    cdef int day = <int>(doy - (153 * mp + 2) // 5 + 1)
    cdef int month = <int>(mp + 3 if mp < 10 else mp - 9)
    cdef int year = <int>(yoe + era * 400 + (1 if month <= 2 else 0))
    return datetime_new(
        year, month, day, <int>(rest // 3600), <int>(rest % 3600 // 60), <int>(rest % 60), 0, _UTC
    )


cdef inline object _stamp(stamp):
    """``build_events._when``: whole UNIX seconds (up to ten ASCII digits) converted here,
    anything else through the Python builders' cache."""
    if stamp is None:
        return None
    cdef str text = <str>stamp
    cdef Py_ssize_t size = len(text)
    cdef Py_ssize_t i
    cdef long long seconds = 0
    cdef long long digit
    if 0 < size <= 10:
        for i in range(size):
            digit = <long long>(<Py_UCS4>text[i])
            if digit < 48 or digit > 57:  # not 0-9
                return _when(stamp)
            seconds = seconds * 10 + (digit - 48)
        return _from_epoch(seconds)
    return _when(stamp)
