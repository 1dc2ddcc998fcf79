"""Lock the evaluator process down before it runs any student code (Linux kernel features, via ctypes).

Layers, each applied when the kernel offers it and reported by `lock_down`:

1. no_new_privs, then every capability dropped (matters when the grader runs as root: no reboot,
   mount, raw sockets, module loading, or reading files the process does not own).
2. Landlock (Linux >= 5.13): files can be read only below the Python standard library (without
   site-packages) and NumPy; written only in a private scratch folder; nothing can be executed;
   no TCP bind/connect (ABI >= 4); no signals or abstract-socket connections to processes outside
   the sandbox (ABI >= 6). Solutions, tests, other students' folders and the results files are
   simply not openable.
3. seccomp: no new processes (fork, vfork, clone without CLONE_THREAD, exec), no signals to other
   processes, no sockets or session changes (refused with EPERM: honest code may try those and cope);
   ptrace, namespaces, mounts, SysV IPC, io_uring, bpf and the like kill the process (SIGSYS), since only
   an attack makes them, and the grader records the death (`proxy.Evaluator`), where no code here reaches.
4. A Python audit hook with the same rules. It is not a security boundary (CPython says so) but it
   keeps the simple attacks failing with a clear PermissionError where the kernel has no Landlock.

The evaluator reads the student's files *before* locking down, so it needs no access to any
submission folder afterwards.
"""

from __future__ import annotations

import ctypes
import os
import platform
import site
import sys
import sysconfig
from collections.abc import Iterable

_libc = ctypes.CDLL(None, use_errno=True)
if sys.platform == "linux":  # elsewhere only the rlimits and the audit hook apply
    _libc.syscall.restype = ctypes.c_long
    _libc.prctl.restype = ctypes.c_int

PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2

# Landlock (include/uapi/linux/landlock.h); the three syscalls share one number on every architecture.
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_ADD_RULE, SYS_LANDLOCK_RESTRICT_SELF = 444, 445, 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_REFER, FS_TRUNCATE, FS_IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1
_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _syscall(number: int, *args: object) -> int:
    result = _libc.syscall(ctypes.c_long(number), *args)
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))
    return int(result)


def _prctl(option: int, arg: int = 0) -> None:
    if _libc.prctl(option, ctypes.c_ulong(arg), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))


# ---- capabilities ----------------------------------------------------------------------------------
_SYS_CAPSET = {"x86_64": 126, "aarch64": 91}


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> bool:
    """Empty the bounding, ambient, effective, permitted and inheritable capability sets."""
    number = _SYS_CAPSET.get(platform.machine())
    if number is None:
        return False
    for cap in range(64):
        try:
            _prctl(PR_CAPBSET_DROP, cap)
        except OSError:
            break  # EINVAL past the last capability this kernel knows; EPERM when we hold none
    try:
        _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    except OSError:
        pass
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    _syscall(number, ctypes.byref(header), ctypes.byref(data))
    return True


# ---- landlock --------------------------------------------------------------------------------------
def landlock_abi() -> int:
    """The Landlock ABI version of the running kernel, 0 when there is none."""
    if sys.platform != "linux":
        return 0
    try:
        return _syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                        ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    except OSError:
        return 0


def _all_fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1  # ABI 1: execute ... make_sym
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def _add_path_rule(ruleset: int, path: str, access: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not os.path.isdir(path):
            access &= _FILE_RIGHTS
        rule = _PathBeneath(access, fd)
        _syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                 ctypes.byref(rule), ctypes.c_uint32(0))
    finally:
        os.close(fd)


def landlock(read_paths: Iterable[str], write_paths: Iterable[str]) -> int:
    """Restrict this process (and its threads) to reading `read_paths` and writing `write_paths`.

    Returns the ABI used (0: not applied). Executing anything, TCP, and signals out of the sandbox
    are denied whenever the ABI can express it.
    """
    abi = landlock_abi()
    if abi < 1:
        return 0
    fs_rights = _all_fs_rights(abi)
    attr = _RulesetAttr(fs_rights, NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    try:
        for path in read_paths:
            _add_path_rule(ruleset, path, FS_READ_FILE | FS_READ_DIR)
        for path in write_paths:
            _add_path_rule(ruleset, path, fs_rights & ~FS_EXECUTE)
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        _syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0))
    finally:
        os.close(ruleset)
    return abi


def readable_roots() -> list[str]:
    """What student code may read: the standard library without site-packages, and NumPy.

    Where site-packages lies inside the standard library folder (a plain install), every other
    entry of that folder gets its own rule, because a Landlock rule covers a whole subtree.
    """
    import numpy

    numpy_dir = os.path.dirname(numpy.__file__)
    sites = {os.path.realpath(p) for p in [*site.getsitepackages(), sysconfig.get_paths()["purelib"],
                                          sysconfig.get_paths()["platlib"]]}
    roots: list[str] = [numpy_dir]
    libs = os.path.join(os.path.dirname(numpy_dir), "numpy.libs")
    if os.path.isdir(libs):
        roots.append(libs)
    for stdlib in {os.path.realpath(sysconfig.get_paths()[k]) for k in ("stdlib", "platstdlib")}:
        inside = [s for s in sites if s.startswith(stdlib + os.sep)]
        if not inside:
            roots.append(stdlib)
            continue
        for entry in sorted(os.listdir(stdlib)):
            full = os.path.join(stdlib, entry)
            if not any(s == full or s.startswith(full + os.sep) for s in sites):
                roots.append(full)
    return roots


# ---- seccomp ---------------------------------------------------------------------------------------
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
# Syscalls that no honest layer, Python, NumPy or OpenBLAS ever makes: only an attack does (through ctypes,
# after disarming the audit hook). The kernel kills the evaluator at once (SIGSYS), and the grader, which
# sees it die, records the attempt: no code in the evaluator has a say. Debugging and reading other
# processes, mounts and namespaces (the new mount API too), rebooting, kernel modules and kexec, BPF,
# perf counters, keyrings, userfaultfd; SysV IPC and POSIX queues (they outlive the process and reach
# others); io_uring (it makes sockets and opens files without the syscalls below); other processes'
# files, memory and ordering (kcmp, pidfd_getfd, process_madvise, process_mrelease).
_KILLED = {
    "x86_64": {"ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "mount": 165, "umount2": 166,
               "pivot_root": 155, "chroot": 161, "unshare": 272, "setns": 308, "open_tree": 428, "move_mount": 429,
               "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442, "reboot": 169,
               "init_module": 175, "finit_module": 313, "delete_module": 176, "kexec_load": 246,
               "kexec_file_load": 320, "bpf": 321, "perf_event_open": 298, "keyctl": 250, "add_key": 248,
               "request_key": 249, "userfaultfd": 323, "shmget": 29, "shmat": 30, "shmctl": 31, "shmdt": 67,
               "semget": 64, "semop": 65, "semctl": 66, "semtimedop": 220, "msgget": 68, "msgsnd": 69, "msgrcv": 70,
               "msgctl": 71, "mq_open": 240, "mq_unlink": 241, "mq_timedsend": 242, "mq_timedreceive": 243,
               "mq_notify": 244, "mq_getsetattr": 245, "io_uring_setup": 425, "io_uring_enter": 426,
               "io_uring_register": 427, "kcmp": 312, "pidfd_getfd": 438, "process_madvise": 440,
               "process_mrelease": 448},
    "aarch64": {"ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "mount": 40, "umount2": 39,
                "pivot_root": 41, "chroot": 51, "unshare": 97, "setns": 268, "open_tree": 428, "move_mount": 429,
                "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442, "reboot": 142,
                "init_module": 105, "finit_module": 273, "delete_module": 106, "kexec_load": 104,
                "kexec_file_load": 294, "bpf": 280, "perf_event_open": 241, "keyctl": 219, "add_key": 217,
                "request_key": 218, "userfaultfd": 282, "mq_open": 180, "mq_unlink": 181, "mq_timedsend": 182,
                "mq_timedreceive": 183, "mq_notify": 184, "mq_getsetattr": 185, "msgget": 186, "msgctl": 187,
                "msgrcv": 188, "msgsnd": 189, "semget": 190, "semctl": 191, "semtimedop": 192, "semop": 193,
                "shmget": 194, "shmctl": 195, "shmat": 196, "shmdt": 197, "io_uring_setup": 425,
                "io_uring_enter": 426, "io_uring_register": 427, "kcmp": 272, "pidfd_getfd": 438,
                "process_madvise": 440, "process_mrelease": 448},
}
# Syscalls refused with EPERM, which honest code may meet incidentally and handles as an OSError: new
# processes and programs (a library probing for a tool), sockets, session changes, signals queued to
# others, setpriority and ioprio_set (they reach whole users or groups, the grader's too). Killing there
# would turn a harmless probe into a failed test.
_DENIED = {
    "x86_64": {"fork": 57, "vfork": 58, "execve": 59, "execveat": 322, "tkill": 200, "setsid": 112, "setpgid": 109,
               "pidfd_send_signal": 424, "pidfd_open": 434, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
               "socket": 41, "socketpair": 53, "setpriority": 141, "ioprio_set": 251},
    "aarch64": {"execve": 221, "execveat": 281, "tkill": 130, "setsid": 157, "setpgid": 154, "pidfd_send_signal": 424,
                "pidfd_open": 434, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240, "socket": 198, "socketpair": 199,
                "setpriority": 140, "ioprio_set": 30},
}
# Syscalls whose first argument names a process: allowed on 0 ("myself") or our own pid only, so limits,
# scheduling and memory placement of other processes (classmates' evaluators, the grader) are out of reach.
_PID_SELF_ONLY = {
    "x86_64": {"prlimit64": 302, "sched_setparam": 142, "sched_setscheduler": 144, "sched_setaffinity": 203,
               "sched_setattr": 314, "migrate_pages": 256, "move_pages": 279, "get_robust_list": 274},
    "aarch64": {"prlimit64": 261, "sched_setparam": 118, "sched_setscheduler": 119, "sched_setaffinity": 122,
                "sched_setattr": 274, "migrate_pages": 238, "move_pages": 239, "get_robust_list": 100},
}
_PRCTL = {"x86_64": 157, "aarch64": 167}
# prctl options student code may not use: PR_SET_PDEATHSIG (would outlive the grader), PR_SET_DUMPABLE
# (core dumps), PR_SET_PTRACER, PR_SET_CHILD_SUBREAPER.
_PRCTL_DENIED = (1, 4, 0x59616D61, 36)
_CLONE = {"x86_64": 56, "aarch64": 220}
_CLONE3 = 435
_SIGNAL_SELF_ONLY = {"x86_64": (62, 234), "aarch64": (129, 131)}  # kill, tgkill: allowed on our own pid only
CLONE_THREAD = 0x00010000
_RET_KILL_PROCESS, _RET_ALLOW, _RET_ERRNO = 0x80000000, 0x7FFF0000, 0x00050000
_EPERM, _ENOSYS = 1, 38
_SYS_SECCOMP, SECCOMP_GET_ACTION_AVAIL = {"x86_64": 317, "aarch64": 277}, 2


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter))]


def kill_available(machine: str) -> bool:
    """Whether the kernel can kill a whole process from a seccomp filter (Linux >= 4.14)."""
    action = ctypes.c_uint32(_RET_KILL_PROCESS)
    try:
        _syscall(_SYS_SECCOMP[machine], ctypes.c_uint(SECCOMP_GET_ACTION_AVAIL), ctypes.c_uint(0),
                 ctypes.byref(action))
    except OSError:
        return False
    return True


def _seccomp_program(machine: str, pid: int, kill: bool = True) -> list[tuple[int, int, int, int]]:
    """The BPF program as (code, jt, jf, k); jumps are resolved from labels below.

    `kill` False (an old kernel): the calls of `_KILLED` are refused with EPERM like the others, rather
    than killing one thread only and leaving the evaluator half alive.
    """
    LD, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
    ops: list[tuple] = [(LD, 4)]  # seccomp_data.arch
    # Another architecture's numbering (int 0x80 on x86_64) or the x32 ABI, a second numbering of every
    # syscall: only ever a way around this list.
    ops += [("jeq", _AUDIT_ARCH[machine], None, "kill"), (LD, 0)]  # seccomp_data.nr
    if machine == "x86_64":
        ops.append(("jge", 0x40000000, "kill", None))
    for number in _KILLED[machine].values():
        ops.append(("jeq", number, "kill", None))
    for number in _DENIED[machine].values():
        ops.append(("jeq", number, "deny", None))
    ops.append(("jeq", _CLONE3, "nosys", None))  # glibc then falls back to clone(), checked below
    ops.append(("jeq", _CLONE[machine], "clone", None))
    for number in _SIGNAL_SELF_ONLY[machine]:
        ops.append(("jeq", number, "self", None))
    for number in _PID_SELF_ONLY[machine].values():
        ops.append(("jeq", number, "self_or_0", None))
    ops.append(("jeq", _PRCTL[machine], "prctl", None))
    ops.append((RET, _RET_ALLOW))
    # BPF jumps only forward, so the argument checks come after the main list and share one "allow".
    ops += [("label", "clone"), (LD, 16), ("jset", CLONE_THREAD, "allow", "deny")]
    ops += [("label", "self"), (LD, 16), ("jeq", pid, "allow", "deny")]
    ops += [("label", "self_or_0"), (LD, 16), ("jeq", 0, "allow", None), ("jeq", pid, "allow", "deny")]
    ops += [("label", "prctl"), (LD, 16)] + [("jeq", option, "deny", None) for option in _PRCTL_DENIED]
    ops += [(RET, _RET_ALLOW)]
    ops += [("label", "allow"), (RET, _RET_ALLOW)]
    ops += [("label", "deny"), (RET, _RET_ERRNO | _EPERM), ("label", "nosys"), (RET, _RET_ERRNO | _ENOSYS)]
    ops += [("label", "kill"), (RET, _RET_KILL_PROCESS if kill else _RET_ERRNO | _EPERM)]

    labels, position = {}, 0
    for op in ops:
        if op[0] == "label":
            labels[op[1]] = position
        else:
            position += 1
    program, position = [], 0
    codes = {"jeq": JEQ, "jge": JGE, "jset": JSET}
    for op in ops:
        if op[0] == "label":
            continue
        position += 1
        if op[0] in codes:
            _, k, on_true, on_false = op
            jt = labels[on_true] - position if on_true else 0
            jf = labels[on_false] - position if on_false else 0
            assert 0 <= jt < 256 and 0 <= jf < 256, "a jump too long for classic BPF: split the program"
            program.append((codes[op[0]], jt, jf, k))
        else:
            program.append((op[0], 0, 0, op[1]))
    return program


def seccomp_no_spawn() -> bool:
    """Install the filter; False where the architecture is not one we have syscall numbers for."""
    machine = platform.machine()
    if sys.platform != "linux" or machine not in _DENIED:
        return False
    program = _seccomp_program(machine, os.getpid(), kill_available(machine))
    filters = (_SockFilter * len(program))(*[_SockFilter(*op) for op in program])
    fprog = _SockFprog(len(program), filters)
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    if _libc.prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(fprog), 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))
    return True


# ---- audit hook ------------------------------------------------------------------------------------
_FORBIDDEN_EVENTS = frozenset({
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
    "os.kill", "os.killpg", "pty.spawn", "ctypes.dlopen", "ctypes.dlsym", "ctypes.call_function",
    "ctypes.cdata", "socket.__new__", "socket.connect", "os.startfile", "webbrowser.open",
})
_WRITE_EVENTS = frozenset({"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
                           "os.symlink", "os.truncate", "os.utime", "shutil.rmtree", "shutil.copyfile", "shutil.move"})


def install_audit_guard(read_roots: Iterable[str], write_roots: Iterable[str], evidence_fd: int | None = None) -> None:
    """Refuse, with PermissionError, the Python operations the kernel layers also refuse.

    Each refusal is written at once, one line, to `evidence_fd` (a pipe the grader reads): what was
    written there cannot be taken back by the code that was refused. The rules live in this closure
    (frozen sets), not in module globals student code could clear.
    """
    reads = tuple(os.path.realpath(p) for p in read_roots)
    writes = tuple(os.path.realpath(p) for p in write_roots)
    forbidden, write_events = _FORBIDDEN_EVENTS, _WRITE_EVENTS
    realpath, fsdecode, write, strerror = os.path.realpath, os.fsdecode, os.write, PermissionError
    sent = [-1]  # -1: not armed yet (the evaluator's own start-up probes are not evidence)

    def refuse(what: str, note: bool = True) -> PermissionError:
        if note and evidence_fd is not None and 0 <= sent[0] < 50:
            sent[0] += 1
            try:
                write(evidence_fd, (what[:200].replace("\n", " ") + "\n").encode("utf-8", "replace"))
            except OSError:
                pass
        return strerror(f"the grading sandbox does not allow {what}")

    def below(path: object, roots: tuple[str, ...]) -> bool:
        if isinstance(path, int):
            return True  # an already open descriptor
        try:
            full = realpath(fsdecode(path))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        return any(full == r or full.startswith(r + os.sep) for r in roots)

    def hook(event: str, args: tuple) -> None:
        if event in forbidden:
            raise refuse(event)
        if event == "open" and args and args[0] is not None:
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else "r"
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            writing = any(c in mode for c in "wax+") or flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            if not below(args[0], writes if writing else reads + writes):
                raise refuse(f"{'writing' if writing else 'opening'} {args[0]!r}")
        elif event in ("os.listdir", "os.scandir", "glob.glob") and args and args[0] is not None:
            if not below(args[0], reads + writes):
                raise refuse(f"listing {args[0]!r}", note=False)  # the import system probes: not worth a note
        elif event in write_events and args and not below(args[0], writes):
            raise refuse(f"{event} {args[0]!r}")

    sys.addaudithook(hook)
    global arm_evidence

    def arm_evidence() -> None:
        sent[0] = max(sent[0], 0)


def arm_evidence() -> None:
    """Start sending refusals to the evidence pipe (replaced by `install_audit_guard`)."""


def lock_down(scratch: str, evidence_fd: int | None = None) -> dict[str, object]:
    """Apply every layer this system offers; return which ones are active (for reports and tests)."""
    roots = readable_roots()
    applied: dict[str, object] = {"platform": sys.platform, "machine": platform.machine()}
    if sys.platform == "linux":
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        applied["capabilities_dropped"] = drop_capabilities() if os.geteuid() == 0 else "not root"
        applied["landlock_abi"] = landlock(roots, [scratch])
        applied["seccomp"] = seccomp_no_spawn()
        applied["seccomp_kills"] = applied["seccomp"] and kill_available(platform.machine())
    install_audit_guard(roots, [scratch], evidence_fd)
    applied["audit_hook"] = True
    return applied


def describe(applied: dict[str, object]) -> str:
    """One line: which layers protect this evaluator."""
    seccomp = "seccomp" if applied.get("seccomp_kills", True) else "seccomp (refuses, never kills)"
    parts = ["own namespaces (bubblewrap)" if "bubblewrap" in str(applied.get("namespaces", "")) else "no namespaces",
             f"landlock ABI {applied.get('landlock_abi')}" if applied.get("landlock_abi") else "no landlock",
             seccomp if applied.get("seccomp") else "no seccomp",
             "audit hook" if applied.get("audit_hook") else "no audit hook"]
    return ", ".join(parts)

