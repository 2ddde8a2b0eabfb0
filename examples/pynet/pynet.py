#!/usr/bin/env python3
"""pynet: a small virtio-net member device in Python 3 that speaks migsim's
external device protocol (docs/device-protocol.md) on stdin and stdout.

It implements both editions, draft-2023 (device context: docs/context-format.md,
"draft-2023 device context" and "virtio-net fields") and virtio-1.4 (device
parts), with every value of every knob that binds the member (KNOBS): the
virtio PCI transport in BAR0 (common configuration, ISR, virtio_net_config,
notify, MSI-X table and PBA), the VF's configuration space, FLR and PM
transitions, split virtqueues walked in fetch, execute and complete steps (no
indirect descriptors), receive queues fed from the kit's port (receive
filter, FIFO, steering over the queue pairs in use), transmit queues put on
the kit's wire, the control virtqueue (RX modes, MAC table and address,
VLAN table, ANNOUNCE ACK, MQ VQ_PAIRS_SET), and the admin commands of both
editions. Setting FEATURES_OK and writing queue_enable are finished later,
when a register access or a mode change needs them (the pending-work knob). A
virtio reset completes at once (one written in Freeze under
reset-vs-mode=reply-on-start at the move to Active). It is written from the docs
(docs/device-protocol.md, docs/device-model.md, docs/net.md,
docs/conformance.md, docs/spec.md), not the reference: examples/extnet is
that.

    migsim conform --device exec:examples/pynet/pynet.py --parts device
    migsim conform --device exec:examples/pynet/pynet.py --budget short --progress

It reads with sys.stdin.buffer.readline and flushes stdout after every line
it writes: a reply left in Python's buffer never reaches the kit.
"""
import json
import struct
import sys

# ---------- constants (docs/device-protocol.md, "Constants"; virtio spec) ----------
VIRTIO_MSI_NO_VECTOR = 0xFFFF
MSIX_ENABLE, MSIX_FUNCTION_MASK = 0x8000, 0x4000  # Message Control bits (PCI Express, MSI-X capability)
FLR_NS = 100_000_000
PM_NS = 10_000_000
EINVAL, ENOMEM = 22, 12
Q_INVALID_FIELD, Q_NORESOURCE = 3, 6
S_FEATURES_OK, S_DRIVER_OK, S_NEEDS_RESET = 8, 4, 0x40

# virtio-net feature bits (virtio spec, "Network Device", "Feature bits")
F_MTU, F_MAC, F_STATUS = 1 << 3, 1 << 5, 1 << 16
F_CTRL_VQ, F_CTRL_RX, F_CTRL_VLAN, F_CTRL_RX_EXTRA = 1 << 17, 1 << 18, 1 << 19, 1 << 20
F_GUEST_ANNOUNCE, F_MQ, F_CTRL_MAC_ADDR = 1 << 21, 1 << 22, 1 << 23
F_VERSION_1 = 1 << 32
F_CTRL_ALL = F_CTRL_RX | F_CTRL_VLAN | F_CTRL_RX_EXTRA | F_GUEST_ANNOUNCE | F_MQ | F_CTRL_MAC_ADDR
FEAT_DEFAULT = F_VERSION_1 | F_MTU | F_MAC | F_STATUS | F_CTRL_VQ | F_CTRL_ALL
S_LINK_UP, S_ANNOUNCE = 1, 2
HDR_LEN = 12  # struct virtio_net_hdr with num_buffers (VERSION_1)
MAC_FILTER_SIZE = 64

# virtio-1.4 part types (docs/device-protocol.md, "What a virtio-1.4 device must answer")
PT_DEV_FEATURES, PT_DRV_FEATURES, PT_COMMON, PT_STATUS, PT_VQ, PT_VQ_NOTIFY = 0x100, 0x101, 0x102, 0x103, 0x104, 0x105
PT_NET_CVQ = 0x200
COMMON_PART_FIELDS = [(0x00, 4), (0x08, 4), (0x10, 2), (0x16, 2)]  # device-wide fields that migrate
COMMON_SIZES = {0: 4, 4: 4, 8: 4, 0xC: 4, 0x10: 2, 0x12: 2, 0x14: 1, 0x15: 1, 0x16: 2, 0x18: 2, 0x1A: 2,
                0x1C: 2, 0x1E: 2, 0x20: 8, 0x28: 8, 0x30: 8, 0x24: 4, 0x2C: 4, 0x34: 4, 0x38: 2, 0x3A: 2,
                0x3C: 2, 0x3E: 2}

# draft-2023 context field types (docs/context-format.md)
FT_COMMON, FT_RUNTIME, FT_DEV_FEAT, FT_DRV_FEAT, FT_STATUS = 1, 2, 3, 4, 5
FT_VQ, FT_VQ_RT, FT_DEV_OWN, FT_DEV_CFG, FT_PENDING = 6, 7, 8, 9, 0xA
FT_NET_CVQ, FT_NET_INFLIGHT = 0x1000, 0x1001

# control virtqueue (virtio spec, "Control Virtqueue"): (class, command) -> feature it needs
CTRL_RX, CTRL_MAC, CTRL_VLAN, CTRL_ANNOUNCE, CTRL_MQ = 0, 1, 2, 3, 4
RX_MODES = ["promisc", "allmulti", "alluni", "nomulti", "nouni", "nobcast"]

# the knob values implemented (docs/spec.md, "Knobs"); the others only at their defaults
KNOBS = {
    "read": ["incremental-clear", "full"],
    "stop-config-write": ["apply", "ignore"],  # virtio_net_config is read-only: both are the same
    "mode-after-flr": ["running", "keep"],
    "flr-vs-mode": ["hold-reply", "defer-flr", "complete-anyway"],
    # a reset completes at once, so nothing waits for it; reply-on-start defers one made in Freeze
    "reset-vs-mode": ["hold-reply", "complete-anyway", "reply-on-start"],
    "freeze-notify": ["drop", "latch"],
    "transitions": ["all", "strict-chain"],
    "resume-config-notify": ["held-only", "always"],
    "resume-avail": ["latched-only", "recheck"],
    "rx-while-stopped": ["drop", "buffer"],
    "reexec": ["skip-executed", "all"],
    "pending-work": ["finish", "carry", "drop"],
}

# configuration space (docs/device-protocol.md, "Configuration space"), offset -> dword
CFG_TEMPLATE = {
    0x00: 0xFFFFFFFF, 0x04: 0x00100000, 0x08: 0x01000001, 0x2C: 0x11001AF4, 0x34: 0x40,
    0x40: 0x48034801, 0x44: 0x00000008, 0x48: 0x00028410, 0x4C: 0x10008000, 0x50: 0x00002810,
    0x84: 0x00009011, 0x88: 0x00004000, 0x8C: 0x00005000,
    0x90: 0x0110A009, 0x9C: 0x40,
    0xA0: 0x0214B409, 0xA8: 0x3000, 0xAC: 0x1000, 0xB0: 4,
    0xB4: 0x0310C409, 0xBC: 0x1000, 0xC0: 1,
    0xC4: 0x04100009, 0xCC: 0x2000, 0xD0: 0x0C,  # virtio_net_config: 12 bytes
}
CFG_WMASK = {0x04: 0x144, 0x0C: 0xFF, 0x3C: 0xFF, 0x44: 0x103, 0x50: 0x79FF, 0x84: 0xC0000000}


def fnv64a(b):
    h = 0xCBF29CE484222325
    for x in b:
        h ^= x
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def fnv32a(b):
    h = 0x811C9DC5
    for x in b:
        h ^= x
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def pad8(b):
    return b + b"\0" * (-len(b) % 8)


class Protocol:
    def __init__(self):
        self.inp = sys.stdin.buffer
        self.out = sys.stdout
        self.cur_id = 0

    def send(self, obj):
        self.out.write(json.dumps(obj, separators=(",", ":")) + "\n")
        self.out.flush()

    def ask(self, obj):
        obj["id"] = self.cur_id
        self.send(obj)
        line = self.inp.readline()
        if not line:
            sys.exit(0)
        return json.loads(line)


P = Protocol()


class Fault(Exception):
    """A DMA the kit refused, or a chain no device may accept."""


def mem_read(addr, n):
    r = P.ask({"op": "mem-read", "addr": hex(addr), "len": n})
    if r.get("error"):
        raise Fault(r["error"])
    return bytes.fromhex(r.get("data", ""))


def mem_write(addr, data):
    P.send({"id": P.cur_id, "op": "mem-write", "addr": hex(addr), "data": data.hex()})


def note(fx, s):
    fx.setdefault("notes", []).append(s)


def wire(fx, key, item):
    fx.setdefault("wire", {}).setdefault(key, []).append(item)


class Queue:
    def __init__(self, idx, size_max):
        self.idx = idx
        self.size_max = size_max
        self.reset()

    def reset(self):
        self.size = self.size_max
        self.msix = VIRTIO_MSI_NO_VECTOR
        self.enable = 0
        self.addr = {0x20: 0, 0x28: 0, 0x30: 0}  # desc, driver, device (raw latched le64)
        self.split = {}  # lo offset -> 1 (lo written) or 2 (hi written): a split write in progress
        self.qreset = 0
        self.last_avail = 0
        self.used_idx = 0
        self.fetched = []   # requests taken, not executed: [head, chain]
        self.executed = []  # executed, not completed: [head, chain, written, ack]
        self.latched = False
        self.latched_avail = 0
        self.fetch_pending = False
        self.enable_pending = False  # queue_enable written, not committed yet


class Rx:
    """The receive filter and modes the control queue sets (virtio spec, "Packet Receive Filtering")."""

    def __init__(self, mac):
        self.modes = [0] * 6
        self.uc = []
        self.mc = []
        self.mac = mac
        self.vlans = []
        self.pairs = 1


class Device:
    def __init__(self, cfg, fx):
        self.edition = cfg.get("edition", "")
        self.draft = self.edition == "draft-2023"
        self.rules = cfg.get("rules") or {}
        self.bar0 = int(cfg.get("bar0", "0x0"), 16)
        nq = cfg.get("num_queues") or 9
        self.has_ctrl = nq % 2 == 1
        self.max_pairs = max(1, nq // 2)
        self.qsmax = cfg.get("queue_size_max") or 64
        f = int(cfg.get("features") or "0x0", 16)
        self.features = f or FEAT_DEFAULT
        if not self.has_ctrl:
            self.features &= ~(F_CTRL_VQ | F_CTRL_ALL)
        self.nvec = cfg.get("msix_vectors") or nq + 1
        net = cfg.get("net") or {}
        self.prov_mac = bytes.fromhex(net.get("mac", "000000000000"))
        self.mtu = net.get("mtu", 1500)
        self.fifo_cap = net.get("fifo", 0)
        self.port_link = bool(net.get("link_up"))
        self.queues = [Queue(i, self.qsmax) for i in range(nq)]
        self.mode = 0
        self.flr_pending = False
        self.flr_deferred = False  # flr-vs-mode=defer-flr: carried out at the move to Active
        self.reset_deferred = False  # reset-vs-mode=reply-on-start: a reset in Freeze, done at Active
        self.pm_pending = False
        self.held = []  # admin requests held (DP-DEV-12)
        self.latched_parts = None  # virtio-1.4 DEV_PARTS_SET, applied at resume
        self.latched_ctx = None    # draft-2023 DEV_CTX_WRITE fields by type, applied at Active
        self.baseline = None       # draft-2023 incremental read: type -> value last read
        self.cursor = None         # draft-2023 chunked read: fields still to return
        self.fifo = []             # held frames: (seq, data)
        for h in net.get("held") or []:
            self.fifo.append((h["seq"], bytes.fromhex(h.get("data", ""))))
        self.pci_reset()
        self.virtio_reset(fx)

    # ---------- defaults ----------
    def pci_reset(self):
        self.cfgspace = dict(CFG_TEMPLATE)
        self.cfgspace[0x84] = ((self.nvec - 1) << 16) | 0x9011
        self.msix = [[0, 0, 1] for _ in range(self.nvec)]  # addr, data, ctrl (masked)
        self.pba = [False] * self.nvec

    def virtio_reset(self, fx):
        self.reset_deferred = False
        self.features_pending = False  # FEATURES_OK written, features not validated yet
        self.dfsel = 0
        self.drfsel = 0
        self.drv_features = 0
        self.cfg_msix = VIRTIO_MSI_NO_VECTOR
        self.status = 0
        self.gen = 0
        self.qsel = 0
        for q in self.queues:
            q.reset()
        self.isr = 0
        self.held_cfg = False
        self.held_q = set()
        self.held_vec = []
        self.latched_parts = None
        self.latched_ctx = None
        self.rx = Rx(self.prov_mac)
        self.net_status = S_LINK_UP if self.port_link else 0
        self.announce_wanted = False
        for seq, _ in self.fifo:  # frames held in the FIFO are dropped at a reset (docs/net.md)
            wire(fx, "drops", {"dir": "rx", "seq": seq, "reason": "reset"})
        self.fifo = []

    def neg(self, f):
        return bool(self.drv_features & f)

    def pairs_in_use(self):
        return self.rx.pairs

    def role(self, qi):
        n = self.max_pairs if self.neg(F_MQ) else 1
        if qi < 2 * n:
            return "rx" if qi % 2 == 0 else "tx"
        if qi == 2 * n and self.has_ctrl and self.neg(F_CTRL_VQ):
            return "ctrl"
        return None

    # ---------- interrupts ----------
    def send_vec(self, vec, fx):
        if vec == VIRTIO_MSI_NO_VECTOR or vec >= self.nvec:
            return
        if self.flr_pending:
            return  # a function sends nothing while its FLR runs; its end clears what is held (PCI-DEV-07)
        ctl = self.msix_ctl()
        if not ctl & MSIX_ENABLE:
            return  # MSI-X disabled: no message and nothing pending (PCI-DEV-07)
        e = self.msix[vec]
        if e[2] & 1 or ctl & MSIX_FUNCTION_MASK:
            self.pba[vec] = True
            return
        fx.setdefault("interrupts", []).append({"vector": vec, "addr": hex(e[0]), "data": e[1]})

    def msix_ctl(self):
        """The MSI-X capability's Message Control (config space 0x86)."""
        return self.cfgspace.get(0x84, 0) >> 16

    def msix_may_fire(self):
        return self.msix_ctl() & (MSIX_ENABLE | MSIX_FUNCTION_MASK) == MSIX_ENABLE

    def send_pending(self, fx):
        """Function Mask cleared or MSI-X enabled: the pending message of every unmasked vector goes."""
        for vec, e in enumerate(self.msix):
            if self.pba[vec] and not e[2] & 1:
                self.pba[vec] = False
                if self.mode == 0:
                    fx.setdefault("interrupts", []).append({"vector": vec, "addr": hex(e[0]), "data": e[1]})
                elif vec not in self.held_vec:
                    self.held_vec.append(vec)

    def queue_irq(self, q, fx):
        self.isr |= 1
        if self.mode != 0:
            self.held_q.add(q.idx)
            return
        self.send_vec(q.msix, fx)

    def config_irq(self, fx):
        self.isr |= 2
        if self.mode != 0:
            self.held_cfg = True
            return
        if self.cfg_msix == VIRTIO_MSI_NO_VECTOR:
            note(fx, "config interrupt: no vector")
        self.send_vec(self.cfg_msix, fx)

    def deliver_held(self, fx):
        if self.mode != 0:
            return
        if self.held_cfg:
            self.held_cfg = False
            self.send_vec(self.cfg_msix, fx)
        for qi in sorted(self.held_q):
            self.send_vec(self.queues[qi].msix, fx)
        self.held_q = set()
        for v in self.held_vec:
            self.send_vec(v, fx)
        self.held_vec = []

    # ---------- virtio_net_config and the control-queue state ----------
    def net_config(self):
        return self.rx.mac + struct.pack("<HHH", self.net_status, self.max_pairs, self.mtu)

    def cvq_parts(self):
        """VIRTIO_NET_DEV_PART_CVQ_CFG_PART parts, one per command offered, in the spec's selector order (docs/net.md)."""
        out = []
        f = self.features

        def part(cls, cmd, val, flags=0):
            out.append(struct.pack("<HBBBB6sI", PT_NET_CVQ, flags, 0, cls, cmd, b"\0" * 6, len(val)) + val)

        if f & F_CTRL_RX:
            for c in (0, 1):
                part(CTRL_RX, c, bytes([self.rx.modes[c]]))
        if f & F_CTRL_RX_EXTRA:
            for c in (2, 3, 4, 5):
                part(CTRL_RX, c, bytes([self.rx.modes[c]]))
        if f & F_CTRL_RX:
            part(CTRL_MAC, 0, struct.pack("<I", len(self.rx.uc)) + b"".join(self.rx.uc) +
                 struct.pack("<I", len(self.rx.mc)) + b"".join(self.rx.mc))
        if f & F_CTRL_MAC_ADDR:
            part(CTRL_MAC, 1, self.rx.mac)
        if f & F_CTRL_VLAN:
            part(CTRL_VLAN, 0, b"".join(struct.pack("<H", v) for v in sorted(self.rx.vlans)))
        if f & F_GUEST_ANNOUNCE and not self.net_status & S_ANNOUNCE:
            part(CTRL_ANNOUNCE, 0, b"", 1)
        if f & F_MQ:
            part(CTRL_MQ, 0, struct.pack("<H", self.rx.pairs))
        return out

    def apply_cvq(self, rx, cls, cmd, val, partial):
        """Apply one control-queue command's data (or its part) to rx; False when it does not fit."""
        d = self.drv_features
        if cls == CTRL_RX and cmd <= 5:
            need = F_CTRL_RX if cmd <= 1 else F_CTRL_RX_EXTRA
            if len(val) != 1 or val[0] > 1 or not self.features & need:
                return False
            if val[0] and not d & need:
                return False
            rx.modes[cmd] = val[0]
            return True
        if cls == CTRL_MAC and cmd == 0:
            if not self.features & F_CTRL_RX:
                return False
            tabs = []
            i = 0
            for _ in range(2):
                if i + 4 > len(val):
                    return False
                n = struct.unpack_from("<I", val, i)[0]
                i += 4
                if i + 6 * n > len(val):
                    return False
                tabs.append([val[i + 6 * k:i + 6 * k + 6] for k in range(n)])
                i += 6 * n
            if i != len(val):
                return False
            if (tabs[0] or tabs[1]) and not d & F_CTRL_RX:
                return False
            rx.uc, rx.mc = tabs
            return True
        if cls == CTRL_MAC and cmd == 1:
            if len(val) != 6 or not self.features & F_CTRL_MAC_ADDR:
                return False
            if val != rx.mac and not d & F_CTRL_MAC_ADDR:
                return False
            rx.mac = bytes(val)
            return True
        if cls == CTRL_VLAN and cmd in (0, 1) and not partial:
            if len(val) != 2 or not d & F_CTRL_VLAN:
                return False
            vid = struct.unpack("<H", val)[0]
            if vid >= 4096:
                return False
            if cmd == 0 and vid not in rx.vlans:
                rx.vlans.append(vid)
            elif cmd == 1 and vid in rx.vlans:
                rx.vlans.remove(vid)
            return True
        if cls == CTRL_VLAN and cmd == 0:  # the part: the whole table
            if len(val) % 2 or not self.features & F_CTRL_VLAN:
                return False
            vids = [struct.unpack_from("<H", val, i)[0] for i in range(0, len(val), 2)]
            if any(v >= 4096 for v in vids) or len(set(vids)) != len(vids) or (vids and not d & F_CTRL_VLAN):
                return False
            rx.vlans = vids
            return True
        if cls == CTRL_ANNOUNCE and cmd == 0:
            if val or not self.features & F_GUEST_ANNOUNCE:
                return False
            if partial:
                return True  # checked, not applied (docs/net.md, "Saved state")
            if not d & F_GUEST_ANNOUNCE:
                return False
            self.net_status &= ~S_ANNOUNCE
            return True
        if cls == CTRL_MQ and cmd == 0:
            if len(val) != 2 or not self.features & F_MQ:
                return False
            n = struct.unpack("<H", val)[0]
            if n < 1 or n > self.max_pairs or (n != 1 and not d & F_MQ):
                return False
            rx.pairs = n
            return True
        return False

    def decode_cvq(self, b, rx):
        """Apply a run of VIRTIO_NET_DEV_PART_CVQ_CFG_PART parts to rx; False when one is wrong."""
        i = 0
        seen = set()
        while i < len(b):
            if i + 16 > len(b):
                return False
            t, fl, _, cls, cmd, res, ln = struct.unpack_from("<HBBBB6sI", b, i)
            if i + 16 + ln > len(b) or t != PT_NET_CVQ or res != b"\0" * 6 or fl & ~1 or (cls, cmd) in seen:
                return False
            seen.add((cls, cmd))
            val = b[i + 16:i + 16 + ln]
            offered = any(struct.unpack_from("<BB", p, 4) == (cls, cmd) for p in self.cvq_parts()) or (cls, cmd) == (3, 0)
            if not offered:
                if not fl & 1:
                    return False
            elif not self.apply_cvq(rx, cls, cmd, val, True):
                return False
            i += 16 + ln
        return True

    # ---------- virtio-1.4 parts ----------
    def parts(self):
        out = []

        def part(t, flags, sel, val):
            out.append(struct.pack("<HBB8sI", t, flags, 0, sel, len(val)) + val)

        part(PT_DEV_FEATURES, 1, b"\0" * 8, struct.pack("<Q", self.features))
        part(PT_DRV_FEATURES, 0, b"\0" * 8, struct.pack("<Q", self.drv_features))
        for off, n in COMMON_PART_FIELDS:
            v = {0x00: self.dfsel, 0x08: self.drfsel, 0x10: self.cfg_msix, 0x16: self.qsel}[off]
            part(PT_COMMON, 0, struct.pack("<II", off, 0), v.to_bytes(n, "little"))
        part(PT_STATUS, 0, b"\0" * 8, bytes([self.status]))
        for q in self.queues:
            part(PT_VQ, 0, struct.pack("<H6x", q.idx),
                 struct.pack("<HHHHQQQ", q.size, q.msix, q.enable, 0, q.addr[0x20], q.addr[0x28], q.addr[0x30]))
        for q in self.queues:
            part(PT_VQ_NOTIFY, 0, struct.pack("<H6x", q.idx), struct.pack("<HH4x", q.idx, q.idx))
        return out + self.cvq_parts()

    # ---------- draft-2023 context ----------
    def fields(self):
        """The full context's fields, (type, value), in type order."""
        f = []
        img = b"".join(self.common_read(off, n) for off, n in sorted((o, n) for o, n in COMMON_SIZES.items()
                                                                      if o not in (0x24, 0x2C, 0x34)))
        f.append((FT_COMMON, img))
        splits = []
        for q in self.queues:
            for lo in (0x20, 0x28, 0x30):
                if lo in q.split:
                    a = q.addr[lo]
                    splits.append(struct.pack("<HBBIII", q.idx, lo, q.split[lo], a & 0xFFFFFFFF, a >> 32, 0))
        f.append((FT_RUNTIME, struct.pack("<II", len(splits), 0) + b"".join(splits)))
        f.append((FT_DEV_FEAT, struct.pack("<Q", self.features)))
        f.append((FT_DRV_FEAT, struct.pack("<Q", self.drv_features)))
        f.append((FT_STATUS, bytes([self.status]) + b"\0" * 7))
        f.append((FT_VQ, struct.pack("<II", len(self.queues), 0) + b"".join(
            struct.pack("<HHHHHHIQQQ", q.idx, q.size, q.msix, q.enable, q.idx, q.idx, 0,
                        q.addr[0x20], q.addr[0x28], q.addr[0x30]) for q in self.queues)))
        carried = self.rules.get("pending-work", "finish") != "drop"  # drop: committed registers only
        rts = []
        for q in self.queues:
            fl = (1 if q.latched else 0) | (2 if q.idx in self.held_q else 0) | (4 if q.enable_pending and carried else 0)
            rts.append(struct.pack("<HHHBBH6x", q.idx, q.last_avail, q.used_idx, fl, 0, q.latched_avail if q.latched else 0))
        f.append((FT_VQ_RT, struct.pack("<II", len(rts), 0) + b"".join(rts)))
        own = []
        infl = []
        for q in self.queues:
            for r in q.executed:
                own.append(struct.pack("<HHI", q.idx, r[0], 0))
                if self.rules.get("reexec") != "all":  # reexec=all: the draft as written, nothing recorded
                        infl.append(struct.pack("<HHIB7x", q.idx, r[0], r[2], r[3]))
            for r in q.fetched:
                own.append(struct.pack("<HHI", q.idx, r[0], 0))
        f.append((FT_DEV_OWN, struct.pack("<II", len(own), 0) + b"".join(own)))
        f.append((FT_DEV_CFG, self.net_config()))
        held = sum(1 << qi for qi in self.held_q)
        fl = (1 if self.held_cfg else 0) | (2 if self.flr_pending or self.flr_deferred else 0) | (4 if self.reset_deferred else 0)
        fl |= 8 if self.features_pending and carried else 0
        f.append((FT_PENDING, struct.pack("<IIQ", fl, 0, held)))
        f.append((FT_NET_CVQ, b"".join(self.cvq_parts())))
        f.append((FT_NET_INFLIGHT, struct.pack("<II", len(infl), 0) + b"".join(infl)))
        return f

    @staticmethod
    def encode_field(t, v):
        return struct.pack("<IIQ", t, 0, len(v)) + pad8(v)

    def encode_ctx(self, fields):
        return struct.pack("<II", len(fields), 0) + b"".join(self.encode_field(t, v) for t, v in fields)

    def digest(self):
        if self.draft:
            return "0x%016x" % fnv64a(self.encode_ctx(self.fields()))
        return "0x%016x" % fnv64a(b"".join(self.parts()))

    def status_obj(self):
        s = {"mode": self.mode, "device_status": self.status}
        if self.flr_pending or self.flr_deferred:
            s["flr_pending"] = True
        if self.reset_deferred:
            s["reset_pending"] = True
        if self.held:
            s["held_replies"] = len(self.held)
        return s

    # ---------- config space ----------
    def cfg_read(self, off, n):
        if self.flr_pending:
            return b"\xff" * n
        base = off & ~3
        dw = self.cfgspace.get(base, 0) if base < 0x100 else 0
        return dw.to_bytes(4, "little")[off - base: off - base + n]

    def cfg_write(self, off, data, fx):
        base = off & ~3
        if base >= 0x100 or base not in CFG_WMASK:
            return
        new = bytearray(self.cfgspace.get(base, 0).to_bytes(4, "little"))
        new[off - base: off - base + len(data)] = data
        v = int.from_bytes(new, "little")
        if base == 0x50 and v & 0x8000 and (off - base) <= 1:
            if self.flr_pending or self.flr_deferred:
                note(fx, "FLR already in progress")
            elif self.rules.get("flr-vs-mode") == "defer-flr" and self.mode != 0:
                self.flr_deferred = True
                note(fx, "FLR deferred to the move to Active")
            else:
                self.flr_pending = True
                fx.setdefault("timers", []).append({"timer": "flr", "delay": FLR_NS})
                note(fx, "FLR started")
            return
        m = CFG_WMASK[base]
        old = self.cfgspace.get(base, 0)
        nv = (old & ~m) | (v & m)
        if base == 0x44 and (nv & 3) != (old & 3):
            self.pm_pending = True
            fx.setdefault("timers", []).append({"timer": "pm", "delay": PM_NS})
        self.cfgspace[base] = nv
        if base == 0x84 and nv != old and self.msix_may_fire():
            self.send_pending(fx)

    # ---------- BAR0 ----------
    def common_read(self, off, n):
        q = self.queues[self.qsel] if self.qsel < len(self.queues) else None
        regs = {
            0x00: (4, self.dfsel), 0x04: (4, (self.features >> (32 * self.dfsel)) & 0xFFFFFFFF if self.dfsel < 2 else 0),
            0x08: (4, self.drfsel), 0x0C: (4, (self.drv_features >> (32 * self.drfsel)) & 0xFFFFFFFF if self.drfsel < 2 else 0),
            0x10: (2, self.cfg_msix), 0x12: (2, len(self.queues)), 0x14: (1, self.status), 0x15: (1, self.gen),
            0x16: (2, self.qsel),
        }
        if q:
            regs.update({0x18: (2, q.size), 0x1A: (2, q.msix), 0x1C: (2, q.enable), 0x1E: (2, q.idx),
                         0x20: (4, q.addr[0x20] & 0xFFFFFFFF), 0x24: (4, q.addr[0x20] >> 32),
                         0x28: (4, q.addr[0x28] & 0xFFFFFFFF), 0x2C: (4, q.addr[0x28] >> 32),
                         0x30: (4, q.addr[0x30] & 0xFFFFFFFF), 0x34: (4, q.addr[0x30] >> 32),
                         0x38: (2, q.idx), 0x3A: (2, q.qreset)})
        if off in (0x20, 0x28, 0x30) and n == 8:
            return q.addr[off].to_bytes(8, "little") if q else b"\0" * 8
        if off in regs and regs[off][0] == n:
            return regs[off][1].to_bytes(n, "little")
        return b"\0" * n

    def common_write(self, off, data, fx):
        n = len(data)
        v = int.from_bytes(data, "little")
        q = self.queues[self.qsel] if self.qsel < len(self.queues) else None
        if off == 0x00 and n == 4:
            self.dfsel = v
        elif off == 0x08 and n == 4:
            self.drfsel = v
        elif off == 0x0C and n == 4 and self.drfsel < 2:
            sh = 32 * self.drfsel
            self.drv_features = (self.drv_features & ~(0xFFFFFFFF << sh)) | (v << sh)
        elif off == 0x10 and n == 2:
            self.cfg_msix = v
        elif off == 0x14 and n == 1:
            self.write_status(v, fx)
        elif off == 0x16 and n == 2:
            self.qsel = v
        elif q is None:
            return
        elif off == 0x18 and n == 2:
            q.size = v
        elif off == 0x1A and n == 2:
            q.msix = v
        elif off == 0x1C and n == 2:
            if v == 1 and q.enable == 0 and not q.enable_pending:
                q.enable_pending = True  # committed later
                self.accept_work(fx)
        elif off in (0x20, 0x28, 0x30) and n == 8:
            q.addr[off] = v
            q.split.pop(off, None)
        elif off in (0x20, 0x24, 0x28, 0x2C, 0x30, 0x34) and n == 4:
            base = off & ~7
            half = 2 if off & 4 else 1
            if off & 4:
                q.addr[base] = (q.addr[base] & 0xFFFFFFFF) | (v << 32)
            else:
                q.addr[base] = (q.addr[base] & ~0xFFFFFFFF) | v
            # a split write in progress until the other half is written (draft PCI_COMMON_RUNTIME_CFG)
            if q.split.get(base, half) != half:
                del q.split[base]
            else:
                q.split[base] = half
        elif off == 0x3A and n == 2 and v == 1:
            q.reset()
            q.qreset = 1

    def write_status(self, v, fx):
        if self.reset_deferred:
            note(fx, "device_status write while a reset is in progress: ignored")
            return
        if v == 0 and self.mode == 2 and self.rules.get("reset-vs-mode") == "reply-on-start":
            self.reset_deferred = True  # device_status keeps its value until the move to Active
            note(fx, "device reset completion deferred to the move to Active")
            return
        if v == 0:
            self.virtio_reset(fx)
            note(fx, "device reset complete")
            return
        if v & S_FEATURES_OK and not self.status & S_FEATURES_OK:
            # validated later: the bit reads clear until then (docs/device-model.md,
            # "Register work in more than one step")
            self.status = v & ~S_FEATURES_OK
            self.features_pending = True
            self.accept_work(fx)
            return
        self.status = v

    # ---------- register work in more than one step (the pending-work knob) ----------
    def has_work(self):
        return self.features_pending or any(q.enable_pending for q in self.queues)

    def accept_work(self, fx):
        """A quiesced device under pending-work=finish leaves no work owed."""
        if self.mode != 0 and self.rules.get("pending-work", "finish") == "finish":
            self.finish_work(fx)

    def finish_work(self, fx):
        """Validate a pending FEATURES_OK and commit pending queue enables."""
        if self.features_pending:
            self.features_pending = False
            d = self.drv_features
            if (d & ~self.features) or not (d & F_VERSION_1) or (d & F_CTRL_ALL and not d & F_CTRL_VQ):
                note(fx, "FEATURES_OK refused")
            else:
                self.status |= S_FEATURES_OK
        for q in self.queues:
            if q.enable_pending:
                q.enable_pending = False
                q.enable, q.qreset = 1, 0

    def before_quiesce(self, fx):
        """Leaving Active: finish the work (finish) or leave it owed (carry, drop)."""
        if self.has_work() and self.rules.get("pending-work", "finish") == "finish":
            self.finish_work(fx)

    def live(self, q):
        return self.status & S_DRIVER_OK and q.enable and not self.flr_pending

    def bar_read(self, off, n, fx):
        if off < 0x40:
            return self.common_read(off, n)
        if off == 0x1000:
            v = self.isr
            self.isr = 0
            return bytes([v]) + b"\0" * (n - 1)
        if 0x2000 <= off < 0x2100:
            c = self.net_config() + b"\0" * (0x100 - 12)
            return c[off - 0x2000: off - 0x2000 + n]
        if 0x4000 <= off < 0x5000:
            tbl = b"".join(struct.pack("<QII", *e) for e in self.msix)
            tbl = tbl + b"\0" * (0x1000 - len(tbl))
            return tbl[off - 0x4000: off - 0x4000 + n]
        if 0x5000 <= off < 0x5008:
            bits = sum(1 << i for i, p in enumerate(self.pba) if p)
            return bits.to_bytes(8, "little")[off - 0x5000: off - 0x5000 + n]
        return b"\0" * n

    def bar_write(self, off, data, fx):
        if off < 0x40:
            return self.common_write(off, data, fx)
        if 0x2000 <= off < 0x2100:
            note(fx, "virtio_net_config is read-only: write ignored")
            return
        if 0x3000 <= off < 0x3000 + 4 * len(self.queues) and off % 4 == 0:
            q = self.queues[(off - 0x3000) // 4]
            if self.mode == 2 and self.rules.get("freeze-notify", "drop") == "drop":
                note(fx, "q%d doorbell dropped in Freeze" % q.idx)
            elif self.mode != 0:
                q.latched = True
                q.latched_avail = int.from_bytes(data[2:4], "little") if len(data) == 4 else 0
                note(fx, "q%d doorbell latched" % q.idx)
            elif self.live(q):
                self.sched_fetch(q, fx)
            return
        if 0x4000 <= off < 0x4000 + 16 * self.nvec and len(data) > 16 - (off % 16):
            for i in range(0, len(data), 4):
                self.bar_write(off + i, data[i:i + 4], fx)
            return
        if 0x4000 <= off < 0x4000 + 16 * self.nvec:
            vec = (off - 0x4000) // 16
            e = self.msix[vec]
            b = bytearray(struct.pack("<QII", e[0], e[1], e[2]))
            o = (off - 0x4000) % 16
            b[o:o + len(data)] = data
            a, d, c = struct.unpack("<QII", bytes(b))
            was_masked = e[2] & 1
            self.msix[vec] = [a, d, c]
            if was_masked and not (c & 1) and self.pba[vec] and self.msix_may_fire():
                self.pba[vec] = False
                if self.mode == 0:
                    fx.setdefault("interrupts", []).append({"vector": vec, "addr": hex(a), "data": d})
                elif vec not in self.held_vec:
                    self.held_vec.append(vec)

    # ---------- the port: receive intake, filter, steering ----------
    def accepts(self, fr):
        """The receive filter (docs/net.md, "Receive"): None to take the frame, else the drop reason."""
        if len(fr) < 14:
            return "runt"
        et = struct.unpack_from(">H", fr, 12)[0]
        tagged = et == 0x8100
        if self.neg(F_MTU) and len(fr) > self.mtu + 14 + (4 if tagged else 0):
            return "mtu"
        m = self.rx.modes
        if m[0]:
            return None
        if tagged and self.neg(F_CTRL_VLAN):
            if len(fr) < 16 or (struct.unpack_from(">H", fr, 14)[0] & 0xFFF) not in self.rx.vlans:
                return "filtered"
        dst = fr[:6]
        if dst == b"\xff" * 6:
            return "filtered" if m[5] else None
        if dst[0] & 1:
            if m[3]:
                return "filtered"
            if not self.neg(F_CTRL_RX):
                return None
            return None if m[1] or dst in self.rx.mc or len(self.rx.mc) > MAC_FILTER_SIZE else "filtered"
        if m[4]:
            return "filtered"
        if dst == self.rx.mac or m[2] or dst in self.rx.uc or len(self.rx.uc) > MAC_FILTER_SIZE:
            return None
        return "filtered"

    @staticmethod
    def flow_key(fr):
        """What steering hashes: source MAC, EtherType and the flow field (docs/net.md, "Steering")."""
        if len(fr) < 14:
            return fr
        off = 16 if len(fr) >= 18 and fr[12:14] == b"\x81\x00" else 12
        key = fr[6:12] + fr[off:off + 2]
        if fr[off:off + 2] == b"\x88\xb5" and off + 14 <= len(fr):
            key += fr[off + 10:off + 14]  # the link's frames: le64 seq, then le32 flow
        return key

    def pair_of(self, fr):
        return fnv32a(self.flow_key(fr)) % self.pairs_in_use()

    def backend(self, port, fx):
        arrivals = port.get("arrivals") or []
        if port.get("announce"):  # kept until the device shows it
            if self.neg(F_GUEST_ANNOUNCE) and self.neg(F_CTRL_VQ):
                self.announce_wanted = True
            else:
                note(fx, "announce request ignored: VIRTIO_NET_F_GUEST_ANNOUNCE not negotiated")
        if self.mode == 2:
            note(fx, "status change deferred in Freeze")
        elif self.show_status(fx):
            self.config_irq(fx)
        held = 0
        for a in arrivals:
            seq, fr = a["seq"], bytes.fromhex(a.get("data", ""))
            if self.mode != 0 and self.rules.get("rx-while-stopped", "drop") == "drop":
                why = "stopped"
            else:
                why = self.accepts(fr)
                if why is None and len(self.fifo) >= self.fifo_cap:
                    why = "fifo-full"
            if why:
                wire(fx, "drops", {"dir": "rx", "seq": seq, "reason": why})
            else:
                self.fifo.append((seq, fr))
                wire(fx, "held", seq)
                held += 1
        if arrivals:
            note(fx, "rx: %d of %d frames held" % (held, len(arrivals)))
        self.serve_rx(fx)

    def show_status(self, fx):
        """Show the port's link state and a wanted announce in status; True when it changed."""
        st = (self.net_status & ~S_LINK_UP) | (S_LINK_UP if self.port_link else 0)
        if self.announce_wanted:
            st |= S_ANNOUNCE
        self.announce_wanted = False
        if st == self.net_status:
            return False
        note(fx, "status 0x%x -> 0x%x" % (self.net_status, st))
        self.net_status = st
        self.gen = (self.gen + 1) & 0xFF
        return True

    def serve_rx(self, fx):
        """Held frames go to the receive queues of their pairs: serve those like a kick."""
        if self.mode != 0 or not self.fifo:
            return
        want = sorted({2 * self.pair_of(fr) for _, fr in self.fifo})
        for qi in want:
            if qi >= len(self.queues):
                continue
            q = self.queues[qi]
            if not self.live(q) or self.role(qi) != "rx":
                continue
            if q.fetched:
                fx.setdefault("steps", []).append({"kind": "execute", "queue": qi})
            else:
                self.sched_fetch(q, fx)

    # ---------- virtqueues ----------
    def sched_fetch(self, q, fx):
        q.fetch_pending = True
        fx.setdefault("steps", []).append({"kind": "fetch", "queue": q.idx})

    def read_chain(self, q, head):
        chain = []
        i = head
        for _ in range(q.size):
            if i >= q.size:
                raise Fault("descriptor %d out of range" % i)
            a, ln, fl, nx = struct.unpack("<QIHH", mem_read(q.addr[0x20] + 16 * i, 16))
            if fl & 4:
                raise Fault("indirect descriptor not supported")
            chain.append((a, ln, fl))
            if not fl & 1:
                return chain
            i = nx
        raise Fault("descriptor loop")

    def fetch(self, q, fx):
        q.fetch_pending = False
        avail = q.addr[0x28]
        aidx = struct.unpack("<H", mem_read(avail + 2, 2))[0]
        if aidx == q.last_avail:
            return
        head = struct.unpack("<H", mem_read(avail + 4 + 2 * (q.last_avail % q.size), 2))[0]
        chain = self.read_chain(q, head)
        if self.role(q.idx) is None:
            raise Fault("a chain on queue %d, which has no role" % q.idx)
        q.last_avail = (q.last_avail + 1) & 0xFFFF
        q.fetched.append([head, chain])
        fx.setdefault("steps", []).append({"kind": "execute", "queue": q.idx})
        aidx = struct.unpack("<H", mem_read(avail + 2, 2))[0]
        if aidx != q.last_avail:
            self.sched_fetch(q, fx)

    @staticmethod
    def gather(chain):
        return b"".join(mem_read(a, ln) for a, ln, fl in chain if not fl & 2 and ln)

    @staticmethod
    def scatter(chain, data):
        i = 0
        for a, ln, fl in chain:
            if fl & 2 and i < len(data):
                mem_write(a, data[i:i + ln])
                i += ln

    def execute(self, q, fx):
        if not q.fetched:
            return
        role = self.role(q.idx)
        head, chain = q.fetched[0]
        written, ack = 0, 0
        if role == "rx":
            room = sum(ln for a, ln, fl in chain if fl & 2)
            pair = q.idx // 2
            while True:
                k = next((k for k, (s, fr) in enumerate(self.fifo) if self.pair_of(fr) == pair), None)
                if k is None:
                    return  # nothing held for this pair: the buffer waits, still taken
                seq, fr = self.fifo.pop(k)
                if HDR_LEN + len(fr) <= room:
                    break
                # a frame the buffer cannot hold is dropped; the buffer takes the next one
                wire(fx, "drops", {"dir": "rx", "seq": seq, "reason": "no-room"})
            self.scatter(chain, struct.pack("<BBHHHHH", 0, 0, 0, 0, 0, 0, 1) + fr)
            written = HDR_LEN + len(fr)
            wire(fx, "rx", {"queue": q.idx, "seq": seq})
        elif role == "tx":
            fr = self.gather(chain)[HDR_LEN:]
            hdr = self.gather(chain)[:HDR_LEN]
            if len(hdr) < HDR_LEN or hdr[1] != 0:
                wire(fx, "drops", {"dir": "tx", "reason": "tx-gso" if len(hdr) == HDR_LEN else "tx-runt"})
            elif len(fr) < 14:
                wire(fx, "drops", {"dir": "tx", "reason": "tx-runt"})
            elif self.neg(F_MTU) and len(fr) > self.mtu + 14 + (4 if fr[12:14] == b"\x81\x00" else 0):
                wire(fx, "drops", {"dir": "tx", "reason": "tx-oversize"})
            else:
                wire(fx, "tx", {"queue": q.idx, "data": fr.hex()})
        elif role == "ctrl":
            if not chain[-1][2] & 2:
                raise Fault("control command without a writable ack byte")
            cmd = self.gather(chain)
            ok = len(cmd) >= 2 and self.apply_cvq(self.rx, cmd[0], cmd[1], cmd[2:], False)
            ack = 0 if ok else 1
            written = 1
        else:
            raise Fault("a chain on queue %d, which has no role" % q.idx)
        q.fetched.pop(0)
        q.executed.append([head, chain, written, ack])
        fx.setdefault("steps", []).append({"kind": "complete", "queue": q.idx})

    def complete(self, q, fx):
        if not q.executed:
            return
        head, chain, written, ack = q.executed.pop(0)
        if self.role(q.idx) == "ctrl":
            a, ln, fl = chain[-1]
            mem_write(a + ln - 1, bytes([ack]))
        dev = q.addr[0x30]
        mem_write(dev + 4 + 8 * (q.used_idx % q.size), struct.pack("<II", head, written))
        q.used_idx = (q.used_idx + 1) & 0xFFFF
        mem_write(dev + 2, struct.pack("<H", q.used_idx))
        self.queue_irq(q, fx)

    def step(self, st, fx):
        kind = st.get("kind")
        if kind == "finish-flr":
            return self.finish_flr(fx)
        if kind == "deliver-held":
            return self.deliver_held(fx)
        qi = st.get("queue", 0)
        if qi >= len(self.queues):
            return
        q = self.queues[qi]
        if self.mode != 0 or not self.live(q):
            note(fx, "q%d %s: no-op" % (qi, kind))
            return
        try:
            if kind == "fetch":
                self.fetch(q, fx)
            elif kind == "execute":
                self.execute(q, fx)
            elif kind == "complete":
                self.complete(q, fx)
        except Fault as e:
            self.status |= S_NEEDS_RESET
            note(fx, "malformed: %s" % e)
            self.config_irq(fx)

    def write_back(self, fx):
        """virtio-1.4: entering stopped writes back every taken buffer (DP-DEV-09)."""
        for q in self.queues:
            if not self.live(q):
                continue
            try:
                while q.fetched:
                    n = len(q.fetched)
                    self.execute(q, fx)
                    if len(q.fetched) == n:
                        break  # a receive buffer with no frame: never written, stays taken
                while q.executed:
                    self.complete(q, fx)
            except Fault as e:
                self.status |= S_NEEDS_RESET
                note(fx, "malformed: %s" % e)
        fx.pop("steps", None)

    # ---------- FLR ----------
    def finish_flr(self, fx):
        if not self.flr_pending:
            return
        if self.rules.get("flr-vs-mode") == "defer-flr" and self.mode != 0:
            self.flr_pending = False
            self.flr_deferred = True
            note(fx, "FLR completion deferred to the move to Active")
            self.release_held(fx)
            return
        self.do_flr(fx)

    def do_flr(self, fx):
        """Every register and part back to its default (DP-DEV-14); the mode follows mode-after-flr."""
        self.flr_pending = False
        self.flr_deferred = False
        self.pci_reset()
        self.virtio_reset(fx)
        self.baseline = None
        self.cursor = None
        if self.rules.get("mode-after-flr", "running") == "running":
            self.mode = 0
        note(fx, "FLR complete")
        self.release_held(fx)

    def release_held(self, fx):
        held, self.held = self.held, []
        for a in held:
            self.admin(a, fx)

    # ---------- admin ----------
    @staticmethod
    def done(fx, tag, status=0, qual=0, result=b""):
        c = {"tag": tag, "status": status, "qualifier": qual}
        if result:
            c["result"] = result.hex()
        fx.setdefault("completions", []).append(c)

    def admin(self, a, fx):
        op = a.get("opcode")
        holdable = (0x7, 0xA, 0xB) if self.draft else (0x10, 0x11)
        blocked = (self.flr_pending and self.rules.get("flr-vs-mode", "hold-reply") == "hold-reply") or self.pm_pending
        if self.held or (blocked and op in holdable):
            self.held.append(a)
            return
        if self.draft:
            self.admin_draft(a, fx)
        else:
            self.admin_14(a, fx)

    def leave_active(self, fx):
        for q in self.queues:
            if q.fetch_pending:  # a fetch not served yet becomes a latched doorbell
                q.fetch_pending = False
                q.latched = True
        self.baseline = None
        self.cursor = None

    def admin_14(self, a, fx):
        op, tag, cap = a.get("opcode"), a.get("tag"), a.get("result_cap", 0)
        data = bytes.fromhex(a.get("data", ""))
        if op == 0x11:  # DEV_MODE_SET
            if len(data) < 1:
                return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)
            stop = data[0] & 1
            if stop and self.mode == 0:
                self.before_quiesce(fx)
                self.mode = 1  # first: the write-back's interrupts are held
                self.write_back(fx)
                self.leave_active(fx)
                note(fx, "mode running -> stopped")
            elif not stop and self.mode == 1:
                self.resume(fx)
            return self.done(fx, tag)
        if op == 0xE:  # DEV_PARTS_METADATA_GET
            if len(data) < 16 or data[8] > 2:
                return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)
            ps = self.parts()
            t = data[8]
            if t == 0:
                r = struct.pack("<II", sum(len(p) for p in ps), 0)
            elif t == 1:
                r = struct.pack("<II", len(ps), 0)
            else:
                r = struct.pack("<II", len(ps), 0) + b"".join(p[:16] for p in ps)
            if len(r) > cap:
                return self.done(fx, tag, ENOMEM, Q_NORESOURCE)
            return self.done(fx, tag, 0, 0, r)
        if op == 0xF:  # DEV_PARTS_GET
            if len(data) < 16 or data[8] > 1:
                return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)
            ps = self.parts()
            if data[8] == 0:
                want = {(struct.unpack_from("<H", data, i)[0], data[i + 4:i + 12]) for i in range(16, len(data) - 15, 16)}
                ps = [p for p in ps if (struct.unpack_from("<H", p)[0], p[4:12]) in want]
            return self.done(fx, tag, 0, 0, b"".join(ps)[:cap])
        if op == 0x10:  # DEV_PARTS_SET
            if self.mode != 1:
                return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)
            got = self.decode_set(data[8:])
            if got is None:
                return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)
            self.latched_parts = got
            return self.done(fx, tag)
        return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)

    def decode_set(self, b):
        """Check a DEV_PARTS_SET's parts against this device; None when they do not fit (DP-DEV-05)."""
        mine = {(struct.unpack_from("<H", p)[0], p[4:12]): len(p) - 16 for p in self.parts()}
        out = []
        cvq = b""
        i = 0
        while i < len(b):
            if i + 16 > len(b):
                return None
            t, fl, _, sel, ln = struct.unpack_from("<HBB8sI", b, i)
            if i + 16 + ln > len(b):
                return None
            v = b[i + 16:i + 16 + ln]
            if t in (PT_DEV_FEATURES, PT_DRV_FEATURES):
                if ln != 8 or int.from_bytes(v, "little") & ~self.features:
                    return None
            elif t == PT_COMMON:
                off = struct.unpack_from("<I", sel)[0]
                if off not in COMMON_SIZES or (ln != COMMON_SIZES[off] and not (off in (0x20, 0x28, 0x30) and ln == 4)):
                    return None
                if off not in (0, 8, 0x10, 0x16):
                    i += 16 + ln
                    continue  # validated, not applied (DP-DEV-06)
            elif t == PT_NET_CVQ:
                cvq += b[i:i + 16 + ln]
                i += 16 + ln
                continue
            elif (t, sel) not in mine:
                if not fl & 1:
                    return None
                i += 16 + ln
                continue
            elif mine[(t, sel)] != ln:
                return None
            out.append((t, sel, v))
            i += 16 + ln
        # the control-queue parts are checked against the driver features the SET carries
        drv = next((struct.unpack("<Q", v)[0] for t, s, v in out if t == PT_DRV_FEATURES), self.drv_features)
        saved = self.drv_features
        self.drv_features = drv
        rx = self.copy_rx()
        ok = self.decode_cvq(cvq, rx)
        self.drv_features = saved
        if not ok:
            return None
        out.append((PT_NET_CVQ, None, rx))
        return out

    def copy_rx(self):
        rx = Rx(self.rx.mac)
        rx.modes, rx.uc, rx.mc, rx.vlans, rx.pairs = list(self.rx.modes), list(self.rx.uc), list(self.rx.mc), list(self.rx.vlans), self.rx.pairs
        return rx

    def apply_parts(self, ps):
        for t, sel, v in ps:
            if t == PT_DRV_FEATURES:
                self.drv_features = struct.unpack("<Q", v)[0]
            elif t == PT_COMMON:
                off = struct.unpack_from("<I", sel)[0]
                x = int.from_bytes(v, "little")
                if off == 0:
                    self.dfsel = x
                elif off == 8:
                    self.drfsel = x
                elif off == 0x10:
                    self.cfg_msix = x
                elif off == 0x16:
                    self.qsel = x
            elif t == PT_STATUS:
                self.status = v[0]
            elif t == PT_VQ:
                qi = struct.unpack_from("<H", sel)[0]
                if qi < len(self.queues):
                    q = self.queues[qi]
                    q.size, q.msix, q.enable, _, q.addr[0x20], q.addr[0x28], q.addr[0x30] = struct.unpack("<HHHHQQQ", v)
                    q.fetched, q.executed = [], []
                    if q.enable and self.status & S_DRIVER_OK:
                        try:  # every taken buffer was written back: last_avail = used idx
                            q.used_idx = struct.unpack("<H", mem_read(q.addr[0x30] + 2, 2))[0]
                        except Fault:
                            q.used_idx = 0
                        q.last_avail = q.used_idx
            elif t == PT_NET_CVQ:
                self.rx = v

    def resume(self, fx):
        self.mode = 0
        if self.latched_parts is not None:
            self.apply_parts(self.latched_parts)
            self.latched_parts = None
        note(fx, "mode stopped -> running")
        if self.flr_deferred:
            note(fx, "deferred FLR carried out at the move to running")
            return self.do_flr(fx)
        self.resumed(fx)

    def resumed(self, fx):
        """What both editions do once Active / running again (docs/device-model.md, "Resume")."""
        self.baseline = None
        self.cursor = None
        if self.rules.get("resume-config-notify") == "always":
            # a config change and a used-buffer notification per live queue, spurious or not
            self.config_irq(fx)
            for q in self.queues:
                if self.live(q):
                    self.queue_irq(q, fx)
        if self.has_work():  # work carried across the quiesced time is finished now
            self.finish_work(fx)
        steps = fx.setdefault("steps", [])
        steps.append({"kind": "deliver-held"})
        recheck = self.rules.get("resume-avail") == "recheck"
        for q in self.queues:
            if not self.live(q):
                continue
            # one step per request still taken: the steps asked for while quiesced were no-ops
            steps += [{"kind": "complete", "queue": q.idx}] * len(q.executed)
            steps += [{"kind": "execute", "queue": q.idx}] * len(q.fetched)
            if q.latched or recheck:
                q.latched = False
                self.sched_fetch(q, fx)
        self.serve_rx(fx)

    # ---------- draft-2023 admin commands (docs/device-protocol.md, "What a draft-2023 device must answer") ----------
    def admin_draft(self, a, fx):
        op, tag, cap = a.get("opcode"), a.get("tag"), a.get("result_cap", 0)
        data = bytes.fromhex(a.get("data", ""))
        if op == 0x7:  # DEV_MODE_SET
            m = data[0] if data else 0
            if m > 2:
                return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)
            if m == self.mode:
                return self.done(fx, tag)
            if self.rules.get("transitions") == "strict-chain" and {m, self.mode} == {0, 2}:
                return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)
            if m == 0:
                self.activate(fx)
            else:
                if self.mode == 0:
                    self.before_quiesce(fx)
                    self.leave_active(fx)
                note(fx, "mode %d -> %d" % (self.mode, m))
                self.mode = m
            return self.done(fx, tag)
        if op == 0x8:  # DEV_MODE_GET
            return self.done(fx, tag, 0, 0, bytes([self.mode]) + b"\0" * 7)
        if op == 0x9:  # DEV_CTX_SIZE_GET
            if data and data[0] == 1:
                n = len(self.encode_ctx(self.fields()))
                nd = sum(q.size for q in self.queues)
                n += 16 * 3 * len(self.queues) + 8 * nd + 16 * nd
            elif self.cursor is not None:
                n = 8 + sum(len(self.encode_field(t, v)) for t, v in self.cursor)
            else:
                n = len(self.encode_ctx(self.selection()))
            return self.done(fx, tag, 0, 0, struct.pack("<Q", n))
        if op == 0xA:  # DEV_CTX_READ
            if self.cursor is None:
                sel = self.selection()
                snap = dict(self.fields())
            else:
                sel, snap = self.cursor, None
            room = cap - 16
            take = []
            for t, v in sel:
                n = len(self.encode_field(t, v))
                if n > room:
                    break
                take.append((t, v))
                room -= n
            if sel and not take:
                return self.done(fx, tag, ENOMEM, Q_NORESOURCE)
            if snap is not None and self.rules.get("read", "incremental-clear") != "full":
                self.baseline = snap
            rest = sel[len(take):]
            self.cursor = rest or None
            ctx = self.encode_ctx(take)
            remaining = sum(len(self.encode_field(t, v)) for t, v in rest)
            return self.done(fx, tag, 0, 0, struct.pack("<II", len(ctx), remaining) + ctx)
        if op == 0xB:  # DEV_CTX_WRITE
            if self.mode != 2:
                return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)
            got = self.decode_ctx(data)
            if got is None:
                return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)
            merged = dict(self.latched_ctx or {})
            merged.update(got)
            if not self.check_ctx(merged):
                return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)
            self.latched_ctx = merged
            return self.done(fx, tag)
        if op == 0xC:  # DEV_CTX_FIELDS_QUERY
            fs = self.fields()
            return self.done(fx, tag, 0, 0, struct.pack("<II", len(fs), 0) +
                             b"".join(struct.pack("<HHI", t, 0, len(v)) for t, v in fs))
        if op == 0xD:  # DEV_CTX_DISCARD
            self.baseline = None
            self.cursor = None
            return self.done(fx, tag)
        return self.done(fx, tag, EINVAL, Q_INVALID_FIELD)

    def selection(self):
        """The fields a read that starts now returns: every field, or those changed since the baseline."""
        fs = self.fields()
        if self.baseline is None or self.rules.get("read", "incremental-clear") == "full":
            return fs
        return [(t, v) for t, v in fs if self.baseline.get(t) != v]

    @staticmethod
    def decode_ctx(b):
        """A context's fields by type; None when it does not decode (docs/context-format.md)."""
        if len(b) < 8:
            return None
        n = struct.unpack_from("<I", b)[0]
        i = 8
        out = {}
        for _ in range(n):
            if i + 16 > len(b):
                return None
            t, _, ln = struct.unpack_from("<IIQ", b, i)
            end = i + 16 + ln
            pend = end + (-ln % 8)
            if pend > len(b) or any(b[end:pend]) or t in out:
                return None
            if not (1 <= t <= 0xA or 0x1000 <= t <= 0x1FFF):
                return None
            out[t] = b[i + 16:end]
            i = pend
        if i != len(b):
            return None
        return out

    def check_ctx(self, fs):
        """Whether this device can apply the fields (the whole check happens before anything is latched)."""
        try:
            self.apply_ctx(fs, dry=True)
            return True
        except (ValueError, struct.error, IndexError):
            return False

    def entries(self, v, size):
        n = struct.unpack_from("<I", v)[0]
        if len(v) != 8 + n * size:
            raise ValueError("count")
        return [v[8 + k * size: 8 + (k + 1) * size] for k in range(n)]

    def apply_ctx(self, fs, dry):
        """Apply a written context; with dry, only check it."""
        nq = len(self.queues)
        if FT_DEV_FEAT in fs:
            if len(fs[FT_DEV_FEAT]) != 8 or struct.unpack("<Q", fs[FT_DEV_FEAT])[0] & ~self.features:
                raise ValueError("features")
        drv = self.drv_features
        if FT_DRV_FEAT in fs:
            if len(fs[FT_DRV_FEAT]) != 8:
                raise ValueError("drv")
            drv = struct.unpack("<Q", fs[FT_DRV_FEAT])[0]
            if drv & ~self.features:
                raise ValueError("drv")
        if FT_STATUS in fs and len(fs[FT_STATUS]) != 8:
            raise ValueError("status")
        if FT_COMMON in fs and len(fs[FT_COMMON]) != 64:
            raise ValueError("common")
        vqs = [struct.unpack("<HHHHHHIQQQ", e) for e in self.entries(fs[FT_VQ], 40)] if FT_VQ in fs else []
        rts = [struct.unpack("<HHHBBH6x", e) for e in self.entries(fs[FT_VQ_RT], 16)] if FT_VQ_RT in fs else []
        own = [struct.unpack("<HHI", e) for e in self.entries(fs[FT_DEV_OWN], 8)] if FT_DEV_OWN in fs else []
        spl = [struct.unpack("<HBBIII", e) for e in self.entries(fs[FT_RUNTIME], 16)] if FT_RUNTIME in fs else []
        infl = [struct.unpack("<HHIB7x", e) for e in self.entries(fs[FT_NET_INFLIGHT], 16)] if FT_NET_INFLIGHT in fs else []
        for e in vqs + rts + own + spl + infl:
            if e[0] >= nq:
                raise ValueError("queue")
        for e in spl:
            if e[1] not in (0x20, 0x28, 0x30) or e[2] not in (1, 2):
                raise ValueError("split")
        st, mac = None, None
        if FT_DEV_CFG in fs:
            v = fs[FT_DEV_CFG]
            if len(v) != 12:
                raise ValueError("devcfg")
            mac, st, mp, mtu = v[:6], struct.unpack_from("<H", v, 6)[0], struct.unpack_from("<H", v, 8)[0], struct.unpack_from("<H", v, 10)[0]
            if mp != self.max_pairs or mtu != self.mtu:
                raise ValueError("devcfg")
        if FT_PENDING in fs and len(fs[FT_PENDING]) != 16:
            raise ValueError("pending")
        saved = self.drv_features
        self.drv_features = drv
        rx = Rx(self.prov_mac)
        ok = self.decode_cvq(fs.get(FT_NET_CVQ, b""), rx)
        self.drv_features = saved
        if not ok:
            raise ValueError("cvq")
        if dry:
            return
        # apply
        self.drv_features = drv
        if FT_COMMON in fs:
            c = fs[FT_COMMON]
            self.dfsel, self.drfsel = struct.unpack_from("<I", c, 0)[0], struct.unpack_from("<I", c, 8)[0]
            self.cfg_msix, self.qsel = struct.unpack_from("<H", c, 0x10)[0], struct.unpack_from("<H", c, 0x16)[0]
        if FT_STATUS in fs:
            self.status = fs[FT_STATUS][0]
        for idx, size, msix, en, _, _, _, d, dr, dv in vqs:
            q = self.queues[idx]
            q.size, q.msix, q.enable = size, msix, en
            q.addr = {0x20: d, 0x28: dr, 0x30: dv}
            q.split = {}
        for idx, lo, fl, vlo, vhi, _ in spl:
            self.queues[idx].split[lo] = fl
        if FT_VQ_RT in fs:
            self.held_q = set()
        for idx, la, ui, fl, _, lav in rts:
            q = self.queues[idx]
            q.last_avail, q.used_idx = la, ui
            q.latched, q.latched_avail = bool(fl & 1), lav
            q.enable_pending = bool(fl & 4)
            if fl & 2:
                self.held_q.add(idx)
        if FT_DEV_OWN in fs:
            inf = {(e[0], e[1]): e for e in infl}
            for q in self.queues:
                q.fetched, q.executed = [], []
            for qi, head, _ in own:
                q = self.queues[qi]
                chain = self.read_chain(q, head)  # the destination reads the chain again
                if (qi, head) in inf:
                    e = inf[(qi, head)]
                    q.executed.append([head, chain, e[2], e[3]])
                else:
                    q.fetched.append([head, chain])
        if st is not None:
            self.rx.mac = mac
            self.net_status = st
        if FT_PENDING in fs:
            fl, _, held = struct.unpack("<IIQ", fs[FT_PENDING])
            self.held_cfg = bool(fl & 1)
            self.features_pending = bool(fl & 8)
            if fl & 2:  # an FLR the source deferred: carried out at the move to Active
                self.flr_deferred = True
            if fl & 4:  # a reset in progress on the source: finished at the move to Active
                self.reset_deferred = True
            self.held_q |= {k for k in range(nq) if held >> k & 1}
        if FT_NET_CVQ in fs:
            rx.mac = self.rx.mac if mac is None else mac
            if not any(struct.unpack_from("<BB", fs[FT_NET_CVQ], i + 4) == (1, 1) for i in self.part_offsets(fs[FT_NET_CVQ])):
                rx.mac = self.rx.mac
            self.rx = rx

    @staticmethod
    def part_offsets(b):
        i = 0
        while i + 16 <= len(b):
            yield i
            i += 16 + struct.unpack_from("<I", b, i + 12)[0]

    def activate(self, fx):
        """draft-2023: the move to Active (docs/device-model.md, "Resume")."""
        note(fx, "mode %d -> 0" % self.mode)
        self.mode = 0
        if self.latched_ctx is not None:
            fs, self.latched_ctx = self.latched_ctx, None
            try:
                self.apply_ctx(fs, dry=False)
            except (Fault, ValueError) as e:
                self.status |= S_NEEDS_RESET
                note(fx, "context not applied: %s" % e)
        if self.flr_deferred:
            note(fx, "deferred FLR carried out at the move to Active")
            return self.do_flr(fx)
        if self.reset_deferred:
            self.virtio_reset(fx)
            note(fx, "deferred device reset complete")
        if self.show_status(fx):  # a change deferred in Freeze
            self.held_cfg = True
        self.resumed(fx)

    # ---------- events ----------
    def handle(self, ev, fx):
        k = ev.get("kind")
        if k == "tlp":
            t = ev["tlp"]
            tk = t["kind"]
            addr = int(t.get("addr", "0x0"), 16)
            off = addr - self.bar0
            if tk in ("MRd", "MWr") and not self.flr_pending and self.has_work() and (off < 0x40 or 0x3000 <= off < 0x4000):
                # the virtio registers handle accesses in order: pending register work first
                self.finish_work(fx)
            if tk == "CfgRd":
                fx["read_data"] = self.cfg_read(addr, t["len"]).hex()
            elif tk == "CfgWr":
                self.cfg_write(addr, bytes.fromhex(t.get("data", "")), fx)
            elif tk == "MRd":
                if self.flr_pending:
                    fx["read_data"] = "ff" * t["len"]
                else:
                    fx["read_data"] = self.bar_read(off, t["len"], fx).hex()
            elif tk == "MWr":
                if not self.flr_pending:
                    self.bar_write(off, bytes.fromhex(t.get("data", "")), fx)
        elif k == "admin":
            self.admin(ev["admin"], fx)
        elif k == "timer":
            if ev.get("timer") == "flr":
                fx.setdefault("steps", []).append({"kind": "finish-flr"})
            elif ev.get("timer") == "pm":
                self.pm_pending = False
                self.release_held(fx)
        elif k == "step":
            self.step(ev["step"], fx)
        elif k == "backend":
            self.backend(self.port, fx)


def main():
    devs = {}
    while True:
        line = P.inp.readline()
        if not line:
            return 0
        msg = json.loads(line)
        P.cur_id = msg["id"]
        op = msg["op"]
        if op == "hello":
            P.send({"id": msg["id"], "op": "hello", "protocol": 1, "name": "pynet 0.1",
                    "editions": ["draft-2023", "virtio-1.4"], "type": "net", "knobs": KNOBS})
        elif op == "new":
            for d in msg.get("drop") or []:
                devs.pop(d, None)
            fx = {"id": msg["id"], "op": "ready"}
            d = Device(msg["config"], fx)
            devs[msg["dev"]] = d
            fx["status"] = d.status_obj()
            fx["digest"] = d.digest()
            P.send(fx)
        elif op == "event":
            d = devs[msg["dev"]]
            d.port = msg.get("port") or {}
            d.port_link = bool(d.port.get("link_up"))
            fx = {"id": msg["id"], "op": "effects"}
            d.handle(msg["event"], fx)
            fx["status"] = d.status_obj()
            fx["digest"] = d.digest()
            P.send(fx)
        else:
            sys.stderr.write("pynet: unexpected op %r\n" % op)
            return 1


if __name__ == "__main__":
    sys.exit(main())
