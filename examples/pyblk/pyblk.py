#!/usr/bin/env python3
"""pyblk: a small virtio-blk member device in Python 3 that speaks migsim's
external device protocol (docs/device-protocol.md) on stdin and stdout.

It implements the virtio-1.4 edition only, at every knob's default value (its
hello declares no knob), with one request queue: the virtio PCI transport in
BAR0 (common configuration, ISR, virtio_blk_config, notify, MSI-X table and
PBA), the VF's configuration space, FLR and PM transitions, the split
virtqueue walked in fetch, execute and complete steps (IN, OUT, FLUSH and
GET_ID; no indirect descriptors), and the admin commands DEV_MODE_SET,
DEV_PARTS_METADATA_GET, DEV_PARTS_GET and DEV_PARTS_SET. A virtio reset
completes at once. It is a starting point written from the docs, not the
reference: examples/extblk is that.

    migsim conform --device exec:examples/pyblk/pyblk.py --parts device
    migsim conform --device exec:examples/pyblk/pyblk.py --budget short --progress

It reads with sys.stdin.buffer.readline and flushes stdout after every line
it writes: a reply left in Python's buffer never reaches the kit.
"""
import json
import struct
import sys

# ---------- constants from docs/device-protocol.md ----------
VIRTIO_MSI_NO_VECTOR = 0xFFFF
MSIX_ENABLE, MSIX_FUNCTION_MASK = 0x8000, 0x4000  # Message Control bits (PCI Express, MSI-X capability)
FEAT_DEFAULT = (1 << 1) | (1 << 2) | (1 << 6) | (1 << 9) | (1 << 11) | (1 << 32) | (1 << 40)
F_VERSION_1 = 1 << 32
FLR_NS = 100_000_000
PM_NS = 10_000_000
EINVAL, ENOMEM = 22, 12
Q_INVALID_FIELD, Q_NORESOURCE = 3, 6
S_ACK, S_DRIVER, S_DRIVER_OK, S_FEATURES_OK, S_NEEDS_RESET = 1, 2, 4, 8, 0x40

PT_DEV_FEATURES, PT_DRV_FEATURES, PT_COMMON, PT_STATUS, PT_VQ, PT_VQ_NOTIFY = 0x100, 0x101, 0x102, 0x103, 0x104, 0x105
COMMON_PART_FIELDS = [(0x00, 4), (0x08, 4), (0x10, 2), (0x16, 2)]  # device-wide fields migrating

# config space template (256 bytes), offset -> dword
CFG_TEMPLATE = {
    0x00: 0xFFFFFFFF, 0x04: 0x00100000, 0x08: 0x01000001, 0x2C: 0x11001AF4, 0x34: 0x40,
    0x40: 0x48034801, 0x44: 0x00000008, 0x48: 0x00028410, 0x4C: 0x10008000, 0x50: 0x00002810,
    0x84: 0x00009011, 0x88: 0x00004000, 0x8C: 0x00005000,
    0x90: 0x0110A009, 0x9C: 0x40,
    0xA0: 0x0214B409, 0xA8: 0x3000, 0xAC: 0x1000, 0xB0: 4,
    0xB4: 0x0310C409, 0xBC: 0x1000, 0xC0: 1,
    0xC4: 0x04100009, 0xCC: 0x2000, 0xD0: 0x24,
}
CFG_WMASK = {0x04: 0x144, 0x0C: 0xFF, 0x3C: 0xFF, 0x44: 0x103, 0x50: 0x79FF, 0x84: 0xC0000000}


def fnv64a(b):
    h = 0xCBF29CE484222325
    for x in b:
        h ^= x
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


class Protocol:
    def __init__(self):
        self.inp = sys.stdin.buffer
        self.out = sys.stdout
        self.cur_id = 0

    def send(self, obj):
        self.out.write(json.dumps(obj, separators=(",", ":")) + "\n")
        self.out.flush()

    def recv(self):
        line = self.inp.readline()
        if not line:
            return None
        return json.loads(line)

    def ask(self, obj):
        obj["id"] = self.cur_id
        self.send(obj)
        rep = self.recv()
        if rep is None:
            sys.exit(0)
        return rep


P = Protocol()


class Fault(Exception):
    """A DMA the kit refused."""


def mem_read(addr, n):
    r = P.ask({"op": "mem-read", "addr": hex(addr), "len": n})
    if r.get("error"):
        raise Fault(r["error"])
    return bytes.fromhex(r.get("data", ""))


def mem_write(addr, data):
    P.send({"id": P.cur_id, "op": "mem-write", "addr": hex(addr), "data": data.hex()})


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
        self.qreset = 0
        self.last_avail = 0
        self.used_idx = 0
        self.fetched = []   # requests taken, not executed
        self.executed = []  # executed, not completed
        self.latched = False
        self.fetch_pending = False


class Device:
    def __init__(self, cfg):
        self.edition = cfg.get("edition", "")
        self.rules = cfg.get("rules") or {}
        self.bar0 = int(cfg.get("bar0", "0x0"), 16)
        nq = cfg.get("num_queues") or 1
        self.qsmax = cfg.get("queue_size_max") or 64
        f = int(cfg.get("features") or "0x0", 16)
        self.features = f or FEAT_DEFAULT
        self.nvec = cfg.get("msix_vectors") or nq + 1
        disk = cfg.get("disk")
        self.serial = (disk or {}).get("serial", "")
        self.capacity = (disk or {}).get("capacity", 0)
        self.disk_capacity = self.capacity  # the disk's now: every event carries it
        self.queues = [Queue(i, self.qsmax) for i in range(nq)]
        self.mode = 0
        self.flr_pending = False
        self.pm_pending = False
        self.held = []  # held admin requests
        self.latched_parts = None
        self.isr = 0
        self.held_irqs = []  # vectors held while stopped
        self.pci_reset()
        self.virtio_reset()

    # ---------- defaults ----------
    def pci_reset(self):
        self.cfgspace = dict(CFG_TEMPLATE)
        self.cfgspace[0x84] = ((self.nvec - 1) << 16) | 0x9011
        self.msix = [[0, 0, 1] for _ in range(self.nvec)]  # addr, data, ctrl (masked)
        self.pba = [False] * self.nvec

    def virtio_reset(self):
        self.dfsel = 0
        self.drfsel = 0
        self.drv_features = 0
        self.cfg_msix = VIRTIO_MSI_NO_VECTOR
        self.status = 0
        self.gen = 0
        self.qsel = 0
        self.writeback = 1
        self.half = {}  # (queue, off) -> value of a half-written le64 (lo or hi)
        for q in self.queues:
            q.reset()
        self.isr = 0
        self.held_irqs = []
        self.latched_parts = None
        self.capacity = self.disk_capacity

    # ---------- interrupts ----------
    def irq(self, vec, fx):
        if vec == VIRTIO_MSI_NO_VECTOR or vec >= self.nvec:
            return
        if self.mode != 0:
            if vec not in self.held_irqs:
                self.held_irqs.append(vec)
            return
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
                elif vec not in self.held_irqs:
                    self.held_irqs.append(vec)

    def config_irq(self, fx):
        self.isr |= 2
        self.irq(self.cfg_msix, fx)

    # ---------- parts ----------
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
        return out

    def digest(self):
        return "0x%016x" % fnv64a(b"".join(self.parts()))

    def status_obj(self):
        s = {"mode": self.mode, "device_status": self.status}
        if self.flr_pending:
            s["flr_pending"] = True
        if self.held:
            s["held_replies"] = len(self.held)
        return s

    # ---------- config space ----------
    def cfg_read(self, off, n):
        if self.flr_pending:
            return b"\xff" * n
        base = off & ~3
        dw = self.cfgspace.get(base, 0) if base < 0x100 else 0
        b = dw.to_bytes(4, "little")
        return b[off - base: off - base + n]

    def cfg_write(self, off, data, fx):
        base = off & ~3
        if base >= 0x100 or base not in CFG_WMASK:
            return
        cur = self.cfgspace.get(base, 0).to_bytes(4, "little")
        new = bytearray(cur)
        new[off - base: off - base + len(data)] = data
        v = int.from_bytes(new, "little")
        if base == 0x50 and v & 0x8000 and (off - base) <= 1:
            if not self.flr_pending:
                self.flr_pending = True
                fx.setdefault("timers", []).append({"timer": "flr", "delay": FLR_NS})
                fx.setdefault("notes", []).append("FLR started")
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
        if off in regs and regs[off][0] == n:
            return regs[off][1].to_bytes(n, "little")
        if off in (0x20, 0x28, 0x30) and n == 8 and q:
            return q.addr[off].to_bytes(8, "little")
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
            if v == 1:
                q.enable = 1
                q.qreset = 0
        elif off in (0x20, 0x28, 0x30) and n == 8:
            q.addr[off] = v
        elif off in (0x20, 0x24, 0x28, 0x2C, 0x30, 0x34) and n == 4:
            base = off & ~7
            if off & 4:
                q.addr[base] = (q.addr[base] & 0xFFFFFFFF) | (v << 32)
            else:
                q.addr[base] = (q.addr[base] & ~0xFFFFFFFF) | v
        elif off == 0x3A and n == 2 and v == 1:
            q.reset()
            q.qreset = 1

    def write_status(self, v, fx):
        if v == 0:
            self.virtio_reset()
            fx.setdefault("notes", []).append("device reset")
            return
        if v & S_FEATURES_OK and not self.status & S_FEATURES_OK:
            if (self.drv_features & ~self.features) or not (self.drv_features & F_VERSION_1):
                v &= ~S_FEATURES_OK
        self.status = v

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
            c = struct.pack("<QII4sI8sBBH", self.capacity, 65536, self.qsmax - 2, b"\0" * 4, 512, b"\0" * 8,
                            self.writeback, 0, len(self.queues))
            c = c + b"\0" * (0x100 - len(c))
            return c[off - 0x2000: off - 0x2000 + n]
        if 0x4000 <= off < 0x5000:
            tbl = b"".join(struct.pack("<QII", *e) for e in self.msix)
            tbl = tbl + b"\0" * (0x1000 - len(tbl))
            return tbl[off - 0x4000: off - 0x4000 + n]
        if 0x5000 <= off < 0x5008:
            bits = sum(1 << i for i, p in enumerate(self.pba) if p)
            b = bits.to_bytes(8, "little")
            return b[off - 0x5000: off - 0x5000 + n]
        return b"\0" * n

    def bar_write(self, off, data, fx):
        if off < 0x40:
            return self.common_write(off, data, fx)
        if 0x2000 <= off < 0x2100:
            if off == 0x2020 and len(data) == 1 and self.drv_features & (1 << 11):
                if self.mode == 0 or self.rules.get("stop-config-write", "apply") == "apply":
                    self.writeback = data[0] & 1
            return
        if 0x3000 <= off < 0x3000 + 4 * len(self.queues) and off % 4 == 0:
            q = self.queues[(off - 0x3000) // 4]
            if self.mode != 0:
                q.latched = True
                fx.setdefault("notes", []).append("doorbell latched in stopped")
            elif self.live(q):
                fx.setdefault("steps", []).append({"kind": "fetch", "queue": q.idx})
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
                if self.mode == 0:
                    self.pba[vec] = False
                    fx.setdefault("interrupts", []).append({"vector": vec, "addr": hex(a), "data": d})
                else:
                    self.pba[vec] = False
                    if vec not in self.held_irqs:
                        self.held_irqs.append(vec)

    # ---------- virtqueue ----------
    def fetch(self, q, fx):
        avail = q.addr[0x28]
        aidx = struct.unpack("<H", mem_read(avail + 2, 2))[0]
        if aidx == q.last_avail:
            return
        head = struct.unpack("<H", mem_read(avail + 4 + 2 * (q.last_avail % q.size), 2))[0]
        chain = []
        i = head
        for _ in range(q.size):
            a, ln, fl, nx = struct.unpack("<QIHH", mem_read(q.addr[0x20] + 16 * (i % q.size), 16))
            chain.append((a, ln, fl))
            if not fl & 1:
                break
            i = nx
        q.last_avail = (q.last_avail + 1) & 0xFFFF
        q.fetched.append((head, chain))
        fx.setdefault("steps", []).append({"kind": "execute", "queue": q.idx})
        aidx = struct.unpack("<H", mem_read(avail + 2, 2))[0]
        if aidx != q.last_avail:
            fx["steps"].append({"kind": "fetch", "queue": q.idx})

    def execute(self, q, fx):
        if not q.fetched:
            return
        head, chain = q.fetched.pop(0)
        hdr = mem_read(chain[0][0], 16)
        typ, _, sector = struct.unpack("<IIQ", hdr)
        data = chain[1:-1]
        st = 0
        written = 0
        if typ == 0:  # IN
            for a, ln, fl in data:
                r = P.ask({"op": "disk-read", "sector": sector, "len": ln})
                if r.get("error"):
                    st = 1
                    break
                mem_write(a, bytes.fromhex(r["data"]))
                written += ln
                sector += ln // 512
        elif typ == 1:  # OUT
            for a, ln, fl in data:
                r = P.ask({"op": "disk-write", "sector": sector, "data": mem_read(a, ln).hex()})
                if r.get("error"):
                    st = 1
                    break
                sector += ln // 512
        elif typ == 4:
            P.ask({"op": "disk-flush"})
        elif typ == 8:
            sid = self.serial.encode()[:20].ljust(20, b"\0")
            if data:
                mem_write(data[0][0], sid[:data[0][1]])
                written += min(20, data[0][1])
        else:
            st = 2
        q.executed.append((head, chain, st, written + 1))
        fx.setdefault("steps", []).append({"kind": "complete", "queue": q.idx})

    def complete(self, q, fx):
        if not q.executed:
            return
        head, chain, st, ln = q.executed.pop(0)
        mem_write(chain[-1][0], bytes([st]))
        dev = q.addr[0x30]
        mem_write(dev + 4 + 8 * (q.used_idx % q.size), struct.pack("<II", head, ln))
        q.used_idx = (q.used_idx + 1) & 0xFFFF
        mem_write(dev + 2, struct.pack("<H", q.used_idx))
        self.isr |= 1
        self.irq(q.msix, fx)

    def step(self, st, fx):
        kind = st.get("kind")
        if kind == "finish-flr":
            self.finish_flr(fx)
            return
        if kind == "deliver-held":
            if self.mode == 0:
                for vec in self.held_irqs:
                    self.irq(vec, fx)
                self.held_irqs = []
            return
        qi = st.get("queue", 0)
        if qi >= len(self.queues):
            return
        q = self.queues[qi]
        if self.mode != 0 or not self.live(q):
            fx.setdefault("notes", []).append("q%d %s: no-op" % (qi, kind))
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
            fx.setdefault("notes", []).append("DMA refused: %s" % e)
            self.config_irq(fx)

    # ---------- FLR ----------
    def finish_flr(self, fx):
        if not self.flr_pending:
            return
        self.flr_pending = False
        self.pci_reset()
        self.virtio_reset()
        if self.rules.get("mode-after-flr", "running") == "running":
            self.mode = 0
        fx.setdefault("notes", []).append("FLR complete")
        self.release_held(fx)

    def release_held(self, fx):
        held, self.held = self.held, []
        for a in held:
            self.admin(a, fx)

    # ---------- admin ----------
    def complete_admin(self, fx, tag, status=0, qual=0, result=b""):
        c = {"tag": tag, "status": status, "qualifier": qual}
        if result:
            c["result"] = result.hex()
        fx.setdefault("completions", []).append(c)

    def admin(self, a, fx):
        op = a.get("opcode")
        tag = a.get("tag")
        data = bytes.fromhex(a.get("data", ""))
        cap = a.get("result_cap", 0)
        if (self.flr_pending or self.pm_pending or self.held) and op in (0x10, 0x11):
            self.held.append(a)
            return
        if self.held:
            self.held.append(a)
            return
        if op == 0x11:  # DEV_MODE_SET
            if len(data) < 1:
                return self.complete_admin(fx, tag, EINVAL, Q_INVALID_FIELD)
            stop = data[0] & 1
            if stop and self.mode == 0:
                self.mode = 1
                for q in self.queues:  # write back every taken buffer (DP-DEV-09)
                    if self.live(q):
                        while q.fetched:
                            self.execute(q, {})
                        while q.executed:
                            self.complete(q, {})
            elif not stop and self.mode == 1:
                self.resume(fx)
            return self.complete_admin(fx, tag, 0, 0)
        if op == 0xE:  # METADATA_GET
            if len(data) < 16 or data[8] > 2:
                return self.complete_admin(fx, tag, EINVAL, Q_INVALID_FIELD)
            ps = self.parts()
            t = data[8]
            if t == 0:
                r = struct.pack("<II", sum(len(p) for p in ps), 0)
            elif t == 1:
                r = struct.pack("<II", len(ps), 0)
            else:
                r = struct.pack("<II", len(ps), 0) + b"".join(p[:16] for p in ps)
            if len(r) > cap:
                return self.complete_admin(fx, tag, ENOMEM, Q_NORESOURCE)
            return self.complete_admin(fx, tag, 0, 0, r)
        if op == 0xF:  # PARTS_GET
            if len(data) < 16 or data[8] > 1:
                return self.complete_admin(fx, tag, EINVAL, Q_INVALID_FIELD)
            ps = self.parts()
            if data[8] == 0:
                want = set()
                for i in range(16, len(data) - 15, 16):
                    want.add((struct.unpack_from("<H", data, i)[0], data[i + 4:i + 12]))
                ps = [p for p in ps if (struct.unpack_from("<H", p)[0], p[4:12]) in want]
            r = b"".join(ps)
            return self.complete_admin(fx, tag, 0, 0, r[:cap])
        if op == 0x10:  # PARTS_SET
            if self.mode != 1:
                return self.complete_admin(fx, tag, EINVAL, Q_INVALID_FIELD)
            got = self.decode_set(data[8:])
            if got is None:
                return self.complete_admin(fx, tag, EINVAL, Q_INVALID_FIELD)
            self.latched_parts = got
            return self.complete_admin(fx, tag, 0, 0)
        return self.complete_admin(fx, tag, EINVAL, Q_INVALID_FIELD)

    def decode_set(self, b):
        mine = {(struct.unpack_from("<H", p)[0], p[4:12]): len(p) - 16 for p in self.parts()}
        out = []
        i = 0
        while i < len(b):
            if i + 16 > len(b):
                return None
            t, fl, _, sel, ln = struct.unpack_from("<HBB8sI", b, i)
            if i + 16 + ln > len(b):
                return None
            key = (t, sel)
            if t in (PT_DEV_FEATURES, PT_DRV_FEATURES):
                # one le64, as this device's own part: another length fails (DP-DEV-05)
                if ln != 8 or int.from_bytes(b[i + 16:i + 16 + ln], "little") & ~self.features:
                    return None
            elif t == PT_COMMON:
                off = struct.unpack_from("<I", sel)[0]
                sizes = {0: 4, 4: 4, 8: 4, 0xC: 4, 0x10: 2, 0x12: 2, 0x14: 1, 0x15: 1, 0x16: 2, 0x18: 2, 0x1A: 2,
                         0x1C: 2, 0x1E: 2, 0x20: 8, 0x28: 8, 0x30: 8, 0x24: 4, 0x2C: 4, 0x34: 4, 0x38: 2, 0x3A: 2,
                         0x3C: 2, 0x3E: 2}
                if off not in sizes or (ln != sizes[off] and not (off in (0x20, 0x28, 0x30) and ln == 4)):
                    return None
                if off not in (0, 8, 0x10, 0x16):
                    i += 16 + ln
                    continue  # validated, not applied
            elif key not in mine:
                if not fl & 1:
                    return None
            elif mine[key] != ln:
                return None
            out.append((t, sel, b[i + 16:i + 16 + ln]))
            i += 16 + ln
        return out

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
                    if q.enable and self.status & S_DRIVER_OK:
                        try:
                            q.used_idx = struct.unpack("<H", mem_read(q.addr[0x30] + 2, 2))[0]
                        except Fault:
                            q.used_idx = 0
                        q.last_avail = q.used_idx

    def resume(self, fx):
        self.mode = 0
        if self.latched_parts is not None:
            self.apply_parts(self.latched_parts)
            self.latched_parts = None
        fx.setdefault("notes", []).append("mode stopped -> running")
        steps = fx.setdefault("steps", [])
        # resume-config-notify=always: a config change and a used-buffer notification per live queue
        self.config_irq(fx)
        for q in self.queues:
            if self.live(q):
                self.isr |= 1
                self.irq(q.msix, fx)
        steps.append({"kind": "deliver-held"})
        for q in self.queues:
            if self.live(q):
                q.latched = False
                steps.append({"kind": "fetch", "queue": q.idx})

    # ---------- events ----------
    def handle(self, ev, fx):
        k = ev.get("kind")
        if k == "tlp":
            t = ev["tlp"]
            tk = t["kind"]
            addr = int(t.get("addr", "0x0"), 16)
            if tk == "CfgRd":
                fx["read_data"] = self.cfg_read(addr, t["len"]).hex()
            elif tk == "CfgWr":
                self.cfg_write(addr, bytes.fromhex(t.get("data", "")), fx)
            elif tk == "MRd":
                if self.flr_pending:
                    fx["read_data"] = "ff" * t["len"]
                else:
                    fx["read_data"] = self.bar_read(addr - self.bar0, t["len"], fx).hex()
            elif tk == "MWr":
                if not self.flr_pending:
                    self.bar_write(addr - self.bar0, bytes.fromhex(t.get("data", "")), fx)
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
            self.gen = (self.gen + 1) & 0xFF
            self.config_irq(fx)


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
            rep = {"id": msg["id"], "op": "hello", "protocol": 1, "name": "pyblk 0.1", "editions": ["virtio-1.4"]}
            P.send(rep)
        elif op == "new":
            for d in msg.get("drop") or []:
                devs.pop(d, None)
            d = Device(msg["config"])
            devs[msg["dev"]] = d
            P.send({"id": msg["id"], "op": "ready", "status": d.status_obj(), "digest": d.digest()})
        elif op == "event":
            d = devs[msg["dev"]]
            ev = msg["event"]
            if "capacity" in msg:
                d.disk_capacity = msg["capacity"]
                if ev.get("kind") == "backend":
                    d.capacity = msg["capacity"]
            fx = {"id": msg["id"], "op": "effects"}
            d.handle(ev, fx)
            fx["status"] = d.status_obj()
            fx["digest"] = d.digest()
            P.send(fx)
        else:
            sys.stderr.write("pyblk: unexpected op %r\n" % op)
            return 1


if __name__ == "__main__":
    sys.exit(main())
