#!/usr/bin/env node
// jsblk: a virtio-blk member device for the migsim conformance kit, in JavaScript (Node, the
// standard library only), written from docs/device-protocol.md, docs/device-model.md,
// docs/context-format.md and docs/spec.md. It implements both editions, virtio-1.4 (device parts)
// and draft-2023 (the device context, with incremental and chunked reads), at the knobs' defaults.
//
// Numbers: JSON.parse reads numbers as IEEE doubles, exact below 2^53. The protocol writes every
// 64-bit quantity (addresses, feature bits, digests, BAR0) as a "0x…" string, which this device
// reads and writes as BigInt; the JSON numbers it reads (ids, dev, capacity in sectors, tags,
// lengths) stay below 2^53 (docs/device-protocol.md, "Lines and values"). Registers of 64 bits
// (features, queue addresses, MSI-X addresses) are BigInt here too.
//
// I/O: lines are read with fs.readSync on fd 0 and written with fs.writeSync on fd 1, so that a
// nested request (mem-read, disk-read) is a plain function call that returns the kit's answer,
// and every line reaches the kit at once (no buffering to flush).
'use strict';
const fs = require('fs');

// ---- line I/O ----
const inBuf = Buffer.alloc(1 << 21);
let inStart = 0;
let inEnd = 0;
let inEOF = false;

function readLine() {
  for (;;) {
    const nl = inBuf.indexOf(10, inStart);
    if (nl >= 0 && nl < inEnd) {
      const line = inBuf.toString('utf8', inStart, nl);
      inStart = nl + 1;
      return line;
    }
    if (inEOF) return null;
    if (inStart > 0) {
      inBuf.copy(inBuf, 0, inStart, inEnd);
      inEnd -= inStart;
      inStart = 0;
    }
    if (inEnd === inBuf.length) throw new Error('jsblk: a line of the kit over the buffer');
    let n;
    try {
      n = fs.readSync(0, inBuf, inEnd, inBuf.length - inEnd, null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EOF') n = 0;
      else throw e;
    }
    if (n === 0) inEOF = true;
    inEnd += n;
  }
}

function writeMsg(obj) {
  const s = JSON.stringify(obj) + '\n';
  const b = Buffer.from(s, 'utf8');
  let off = 0;
  while (off < b.length) {
    try {
      off += fs.writeSync(1, b, off, b.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
}

function log(...a) { process.stderr.write('jsblk: ' + a.join(' ') + '\n'); }

// ---- numbers ----
const hex64 = (v) => '0x' + BigInt.asUintN(64, v).toString(16);
const parseHex64 = (s) => (s ? BigInt(s) : 0n); // "0x…" strings; BigInt() reads the 0x prefix
const fromHex = (s) => Buffer.from(s || '', 'hex');
const toHex = (b) => Buffer.from(b).toString('hex');
const MASK64 = (1n << 64n) - 1n;
const GUEST_LIMIT = 1n << 46n;

function le64(b, off) { return b.readBigUInt64LE(off); }
function putLE64(b, off, v) { b.writeBigUInt64LE(BigInt.asUintN(64, v), off); }

// FNV-64a over bytes, as two 32-bit halves (BigInt per byte is slow).
function fnv64a(buf) {
  // offset basis 0xcbf29ce484222325, prime 0x100000001b3 = 2^40 + 0x1b3
  let hi = 0xcbf29ce4 >>> 0;
  let lo = 0x84222325 >>> 0;
  for (let i = 0; i < buf.length; i++) {
    lo = (lo ^ buf[i]) >>> 0;
    // (hi:lo) * (2^40 + 0x1b3) mod 2^64
    const loL = lo & 0xffff;
    const loH = lo >>> 16;
    const a = loL * 0x1b3;
    const b = loH * 0x1b3 + (a >>> 16);
    const newLo = (((b & 0xffff) << 16) | (a & 0xffff)) >>> 0;
    const carry = Math.floor(b / 0x10000);
    const newHi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
    hi = newHi;
    lo = newLo;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

// ---- constants (docs/device-protocol.md, "Constants") ----
const NO_VECTOR = 0xffff;
const MSIX_ENABLE = 0x8000, MSIX_FUNCTION_MASK = 0x4000; // MSI-X Message Control bits
const FLR_NS = 100000000;
const PM_NS = 10000000;
const DEFAULT_FEATURES =
  (1n << 1n) | (1n << 2n) | (1n << 6n) | (1n << 9n) | (1n << 11n) | (1n << 32n) | (1n << 40n);
const F_FLUSH = 1n << 9n;
const F_CONFIG_WCE = 1n << 11n;
const F_VERSION_1 = 1n << 32n;

const S_DRIVER_OK = 4, S_FEATURES_OK = 8, S_NEEDS_RESET = 0x40;

// Admin (virtio-1.4).
const OP_METADATA_GET = 0xe, OP_PARTS_GET = 0xf, OP_PARTS_SET = 0x10, OP_MODE_SET = 0x11;
const ST_OK = 0, ST_EINVAL = 22, ST_ENOMEM = 12;
const Q_OK = 0, Q_INVALID_FIELD = 3, Q_NORESOURCE = 6;

// Admin (draft-2023, migsim's opcodes: docs/device-protocol.md).
const D_MODE_SET = 0x7, D_MODE_GET = 0x8, D_CTX_SIZE_GET = 0x9, D_CTX_READ = 0xa, D_CTX_WRITE = 0xb,
  D_FIELDS_QUERY = 0xc, D_DISCARD = 0xd;
// draft-2023 context field types (docs/context-format.md).
const F_COMMON = 0x1, F_COMMON_RUNTIME = 0x2, F_DEV_FEATURES = 0x3, F_DRV_FEATURES = 0x4, F_STATUS = 0x5,
  F_VQ_CFG = 0x6, F_VQ_RUNTIME = 0x7, F_DEV_OWN = 0x8, F_DEV_CFG = 0x9, F_PENDING = 0xa;

const PT_DEV_FEATURES = 0x100, PT_DRV_FEATURES = 0x101, PT_COMMON = 0x102, PT_STATUS = 0x103,
  PT_VQ_CFG = 0x104, PT_VQ_NOTIFY = 0x105;

// Configuration space (docs/device-protocol.md, "Configuration space"): dword value and write mask.
const CFG_DWORDS = [
  [0x00, 0xffffffff, 0], [0x04, 0x00100000, 0x00000144], [0x08, 0x01000001, 0],
  [0x0c, 0x00000000, 0x000000ff], [0x2c, 0x11001af4, 0], [0x34, 0x00000040, 0],
  [0x3c, 0x00000000, 0x000000ff], [0x40, 0x48034801, 0], [0x44, 0x00000008, 0x00000103],
  [0x48, 0x00028410, 0], [0x4c, 0x10008000, 0], [0x50, 0x00002810, 0x000079ff],
  [0x84, 0x00009011, 0xc0000000], [0x88, 0x00004000, 0], [0x8c, 0x00005000, 0],
  [0x90, 0x0110a009, 0], [0x9c, 0x00000040, 0], [0xa0, 0x0214b409, 0], [0xa8, 0x00003000, 0],
  [0xac, 0x00001000, 0], [0xb0, 0x00000004, 0], [0xb4, 0x0310c409, 0], [0xbc, 0x00001000, 0],
  [0xc0, 0x00000001, 0], [0xc4, 0x04100009, 0], [0xcc, 0x00002000, 0], [0xd0, 0x00000024, 0],
];

// struct virtio_pci_common_cfg: offset -> [name, size]; the le64 queue addresses as halves.
const COMMON_FIELDS = new Map([
  [0x00, ['device_feature_select', 4]], [0x04, ['device_feature', 4]],
  [0x08, ['driver_feature_select', 4]], [0x0c, ['driver_feature', 4]],
  [0x10, ['config_msix_vector', 2]], [0x12, ['num_queues', 2]], [0x14, ['device_status', 1]],
  [0x15, ['config_generation', 1]], [0x16, ['queue_select', 2]], [0x18, ['queue_size', 2]],
  [0x1a, ['queue_msix_vector', 2]], [0x1c, ['queue_enable', 2]], [0x1e, ['queue_notify_off', 2]],
  [0x20, ['queue_desc_lo', 4]], [0x24, ['queue_desc_hi', 4]], [0x28, ['queue_driver_lo', 4]],
  [0x2c, ['queue_driver_hi', 4]], [0x30, ['queue_device_lo', 4]], [0x34, ['queue_device_hi', 4]],
  [0x38, ['queue_notif_config_data', 2]], [0x3a, ['queue_reset', 2]],
  [0x3c, ['admin_queue_index', 2]], [0x3e, ['admin_queue_num', 2]],
]);

// A nested request failed in a way the device treats as a refused DMA.
class DMAError extends Error {}

// ---- the device ----
// replies returns the completions of admin command a: fail(status, qualifier), and ok(result),
// whose result is cut to the command's result_cap.
function replies(a) {
  return {
    fail: (st, q) => ({ tag: a.tag, status: st, qualifier: q }),
    ok: (res) => {
      const c = { tag: a.tag, status: ST_OK, qualifier: Q_OK };
      if (res && res.length) c.result = toHex(res.subarray(0, Math.min(res.length, a.result_cap || 0)));
      return c;
    },
  };
}

class Device {
  constructor(cfg, id) {
    this.id = id;
    this.edition = cfg.edition || 'virtio-1.4';
    this.draft = this.edition === 'draft-2023';
    this.baseline = null; // draft: Map type -> value the owner last received (incremental reads)
    this.cursor = null; // draft: the fields a chunked read has still to return
    this.latchedCtx = null; // draft: Map type -> value written in Freeze, applied at Active
    this.rules = cfg.rules || {};
    this.bar0 = parseHex64(cfg.bar0);
    this.numQueues = cfg.num_queues || 1;
    this.qmax = cfg.queue_size_max || 64;
    const f = parseHex64(cfg.features);
    this.features = f === 0n ? DEFAULT_FEATURES : f;
    this.vectors = cfg.msix_vectors || this.numQueues + 1;
    this.disk = cfg.disk || null;
    this.serial = this.disk ? this.disk.serial || '' : '';
    this.diskCap = this.disk ? this.disk.capacity || 0 : 0;
    this.mode = 0; // 0 running, 1 stopped
    this.flrPending = false;
    this.resetPending = false;
    this.pmPending = false;
    this.held = []; // admin requests held (DP-DEV-12)
    this.latchedParts = null;
    this.resetPCI();
    this.resetVirtio();
    this.digestCache = null;
  }

  // PCI state: configuration space and the MSI-X table (an FLR restores them).
  resetPCI() {
    this.cfg = Buffer.alloc(0x100);
    this.cfgMask = Buffer.alloc(0x100);
    for (const [off, v, m] of CFG_DWORDS) {
      this.cfg.writeUInt32LE(v >>> 0, off);
      this.cfgMask.writeUInt32LE(m >>> 0, off);
    }
    const mc = this.cfg.readUInt16LE(0x86);
    this.cfg.writeUInt16LE((mc & ~0x7ff) | ((this.vectors - 1) & 0x7ff), 0x86);
    this.msix = [];
    for (let i = 0; i < this.vectors; i++) this.msix.push({ addr: 0n, data: 0, ctrl: 1, pending: false });
  }

  // Virtio state: the registers, the queues and the requests (a reset or an FLR restores them).
  resetVirtio() {
    this.dfSelect = 0;
    this.drfSelect = 0;
    this.driverFeatures = 0n;
    this.configVector = NO_VECTOR;
    this.status = 0;
    this.configGen = 0;
    this.queueSelect = 0;
    this.isr = 0;
    this.capacity = this.diskCap;
    this.writeback = (this.features & F_FLUSH) !== 0n ? 1 : 0;
    this.queues = [];
    for (let q = 0; q < this.numQueues; q++) this.queues.push(this.newQueue());
    this.configHeld = false;
    this.latchedParts = null;
    this.latchedCtx = null;
  }

  newQueue() {
    return {
      size: this.qmax, vector: NO_VECTOR, enable: 0, desc: 0n, driver: 0n, device: 0n, reset: 0,
      lastAvail: 0, usedIdx: 0, taken: [], latched: false, latchedIdx: 0, held: false,
      fetches: 0, // fetch steps asked for and not delivered yet
      split: { desc: 0, driver: 0, device: 0 }, // draft: halves of a split write (1 lo, 2 hi)
    };
  }

  resetQueue(q) { this.queues[q] = this.newQueue(); }

  quiesced() { return this.mode !== 0; }

  live(q) {
    const vq = this.queues[q];
    return vq && (this.status & S_DRIVER_OK) !== 0 && (this.status & S_NEEDS_RESET) === 0 &&
      vq.enable === 1 && vq.reset === 0 && !this.flrPending && !this.resetPending;
  }

  statusObj() {
    const s = { mode: this.mode, device_status: this.status };
    if (this.flrPending) s.flr_pending = true;
    if (this.resetPending) s.reset_pending = true;
    if (this.held.length) s.held_replies = this.held.length;
    return s;
  }

  digest() {
    if (this.digestCache === null) {
      this.digestCache = hex64(fnv64a(this.draft ? Device.encodeCtx(this.ctxFields()) : this.partsAll()));
    }
    return this.digestCache;
  }

  // ---- parts (docs/context-format.md, "virtio-1.4 device parts") ----
  partList() {
    const parts = [];
    const part = (type, flags, selector, value) => parts.push({ type, flags, selector, value });
    const sel0 = Buffer.alloc(8);
    const v8 = (x) => { const b = Buffer.alloc(8); putLE64(b, 0, x); return b; };
    part(PT_DEV_FEATURES, 1, sel0, v8(this.features));
    part(PT_DRV_FEATURES, 0, sel0, v8(this.driverFeatures));
    const common = (off, size, val) => {
      const s = Buffer.alloc(8); s.writeUInt32LE(off, 0);
      const v = Buffer.alloc(size); if (size === 4) v.writeUInt32LE(val >>> 0, 0); else v.writeUInt16LE(val, 0);
      part(PT_COMMON, 0, s, v);
    };
    common(0x00, 4, this.dfSelect);
    common(0x08, 4, this.drfSelect);
    common(0x10, 2, this.configVector);
    common(0x16, 2, this.queueSelect);
    part(PT_STATUS, 0, sel0, Buffer.from([this.status]));
    for (let q = 0; q < this.numQueues; q++) {
      const vq = this.queues[q];
      const s = Buffer.alloc(8); s.writeUInt16LE(q, 0);
      const v = Buffer.alloc(32);
      v.writeUInt16LE(vq.size, 0); v.writeUInt16LE(vq.vector, 2); v.writeUInt16LE(vq.enable, 4);
      putLE64(v, 8, vq.desc); putLE64(v, 16, vq.driver); putLE64(v, 24, vq.device);
      part(PT_VQ_CFG, 0, s, v);
    }
    for (let q = 0; q < this.numQueues; q++) {
      const s = Buffer.alloc(8); s.writeUInt16LE(q, 0);
      const v = Buffer.alloc(8); v.writeUInt16LE(q, 0); v.writeUInt16LE(q, 2);
      part(PT_VQ_NOTIFY, 0, s, v);
    }
    return parts;
  }

  static encodeHdr(p) {
    const h = Buffer.alloc(16);
    h.writeUInt16LE(p.type, 0); h[2] = p.flags; p.selector.copy(h, 4); h.writeUInt32LE(p.value.length, 12);
    return h;
  }

  static encodeParts(parts) {
    const bufs = [];
    for (const p of parts) { bufs.push(Device.encodeHdr(p)); bufs.push(p.value); }
    return Buffer.concat(bufs);
  }

  partsAll() { return Device.encodeParts(this.partList()); }

  // ---- interrupts ----
  // msi sends vector v's message, or sets its pending bit when masked, or holds nothing when v is
  // no entry of the table (VIRTIO_MSI_NO_VECTOR, or out of range).
  // MSI-X Enable off: no message and nothing pending (a VF has no INTx); Function Mask on: every
  // vector is masked (PCI Express, the MSI-X capability's Message Control, config space 0x86).
  msi(fx, v, what) {
    if (v === NO_VECTOR || v >= this.vectors) { fx.note(`${what} interrupt: no vector`); return; }
    const ctl = this.msixControl();
    if (!(ctl & MSIX_ENABLE)) { fx.note(`${what} interrupt: MSI-X disabled`); return; }
    const e = this.msix[v];
    if ((e.ctrl & 1) || (ctl & MSIX_FUNCTION_MASK)) { e.pending = true; return; }
    fx.interrupts.push({ vector: v, addr: hex64(e.addr), data: e.data >>> 0 });
  }

  msixControl() { return this.cfg.readUInt16LE(0x86); }

  // msixMayFire: MSI-X enabled and the function not masked.
  msixMayFire() { return (this.msixControl() & (MSIX_ENABLE | MSIX_FUNCTION_MASK)) === MSIX_ENABLE; }

  // sendPending sends the pending message of every unmasked vector, when the function may fire
  // and the device is not quiesced (deliverHeld sends them at the resume).
  sendPending(fx) {
    if (this.quiesced() || !this.msixMayFire()) return;
    this.msix.forEach((e, v) => {
      if (e.pending && !(e.ctrl & 1)) { e.pending = false; fx.interrupts.push({ vector: v, addr: hex64(e.addr), data: e.data >>> 0 }); }
    });
  }

  configInterrupt(fx) {
    this.isr |= 2;
    if (this.quiesced()) { this.configHeld = true; return; }
    this.msi(fx, this.configVector, 'config');
  }

  queueInterrupt(fx, q) {
    this.isr |= 1;
    if (this.quiesced()) { this.queues[q].held = true; return; }
    this.msi(fx, this.queues[q].vector, `q${q}`);
  }

  deliverHeld(fx) {
    if (this.quiesced()) return;
    if (this.configHeld) { this.configHeld = false; this.msi(fx, this.configVector, 'config'); }
    this.queues.forEach((vq, q) => {
      if (vq.held) { vq.held = false; this.msi(fx, vq.vector, `q${q}`); }
    });
    this.sendPending(fx);
  }

  // ---- guest memory and disk (nested requests) ----
  memRead(fx, addr, len) {
    if (addr < 0n || addr + BigInt(len) > GUEST_LIMIT) throw new DMAError(`read ${hex64(addr)}+${len} outside guest memory`);
    writeMsg({ id: fx.id, op: 'mem-read', addr: hex64(addr), len });
    const a = fx.answer('mem-data');
    if (a.error) throw new DMAError(`mem-read ${hex64(addr)}: ${a.error}`);
    const b = fromHex(a.data);
    if (b.length !== len) throw new DMAError(`mem-read ${hex64(addr)}: ${b.length} bytes, want ${len}`);
    return b;
  }

  memWrite(fx, addr, data) {
    if (addr < 0n || addr + BigInt(data.length) > GUEST_LIMIT) throw new DMAError(`write ${hex64(addr)}+${data.length} outside guest memory`);
    writeMsg({ id: fx.id, op: 'mem-write', addr: hex64(addr), data: toHex(data) });
  }

  // ---- the split virtqueue (virtio spec, "Split Virtqueues") ----
  readChain(fx, vq, head) {
    const bufs = [];
    let table = vq.desc;
    let size = vq.size;
    let i = head;
    let indirect = false;
    for (let n = 0; ; n++) {
      if (i >= size) throw new DMAError(`descriptor ${i} past the table of ${size}`);
      if (n >= size) throw new DMAError('a descriptor loop');
      const d = this.memRead(fx, table + BigInt(16 * i), 16);
      const addr = le64(d, 0), len = d.readUInt32LE(8), flags = d.readUInt16LE(12), next = d.readUInt16LE(14);
      if (flags & 4) {
        if (indirect) throw new DMAError('a nested indirect descriptor');
        if (len === 0 || len % 16) throw new DMAError(`indirect table of ${len} bytes`);
        indirect = true;
        table = addr; size = len / 16; i = 0; n = -1;
        continue;
      }
      bufs.push({ addr, len, write: (flags & 2) !== 0 });
      if (!(flags & 1)) break;
      i = next;
    }
    // readable buffers first, then writable
    let seenW = false;
    for (const b of bufs) {
      if (b.write) seenW = true;
      else if (seenW) throw new DMAError('a readable descriptor after a writable one');
    }
    return bufs;
  }

  needsReset(fx, why) {
    fx.note(`DEVICE_NEEDS_RESET: ${why}`);
    this.status |= S_NEEDS_RESET;
    this.configInterrupt(fx);
  }

  askFetch(fx, q) {
    this.queues[q].fetches++;
    fx.steps.push({ kind: 'fetch', queue: q });
  }

  stepFetch(fx, q) {
    const vq = this.queues[q];
    if (vq && vq.fetches > 0) vq.fetches--;
    if (this.quiesced() || !this.live(q)) { fx.note(`q${q}: fetch: no-op`); return; }
    try {
      const availIdx = this.memRead(fx, vq.driver + 2n, 2).readUInt16LE(0);
      if (availIdx === vq.lastAvail) return;
      const slot = vq.lastAvail % vq.size;
      const head = this.memRead(fx, vq.driver + BigInt(4 + 2 * slot), 2).readUInt16LE(0);
      const bufs = this.readChain(fx, vq, head);
      if (bufs.length < 2 || bufs[0].write || bufs[0].len < 16 || !bufs[bufs.length - 1].write)
        throw new DMAError(`request ${head}: no out header or no status byte`);
      const h = this.memRead(fx, bufs[0].addr, 16);
      vq.lastAvail = (vq.lastAvail + 1) & 0xffff;
      vq.taken.push({ head, bufs, type: h.readUInt32LE(0), sector: le64(h, 8), executed: false, status: 0, written: 0 });
      fx.steps.push({ kind: 'execute', queue: q });
      const again = this.memRead(fx, vq.driver + 2n, 2).readUInt16LE(0);
      if (again !== vq.lastAvail) this.askFetch(fx, q);
    } catch (e) {
      if (!(e instanceof DMAError)) throw e;
      this.needsReset(fx, `q${q}: ${e.message}`);
    }
  }

  execute(fx, q, r) {
    const data = r.bufs.slice(1, r.bufs.length - 1);
    const status = r.bufs[r.bufs.length - 1];
    r.executed = true;
    r.written = 1;
    const T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8;
    if (status.len < 1) throw new DMAError('a status buffer of 0 bytes');
    const dataLen = data.reduce((s, b) => s + b.len, 0);
    const inRange = () => dataLen % 512 === 0 && r.sector + BigInt(dataLen / 512) <= BigInt(this.capacity);
    switch (r.type) {
      case T_OUT: {
        if (data.some((b) => b.write) || !inRange()) { r.status = 1; return; }
        if (dataLen === 0) { r.status = 0; return; }
        const bytes = Buffer.concat(data.map((b) => this.memRead(fx, b.addr, b.len)));
        writeMsg({ id: fx.id, op: 'disk-write', sector: Number(r.sector), data: toHex(bytes) });
        const a = fx.answer('disk-done');
        r.status = a.error ? 1 : 0;
        return;
      }
      case T_IN: {
        if (data.some((b) => !b.write) || !inRange()) { r.status = 1; return; }
        if (dataLen > 0) {
          writeMsg({ id: fx.id, op: 'disk-read', sector: Number(r.sector), len: dataLen });
          const a = fx.answer('disk-data');
          if (a.error) { r.status = 1; return; }
          const bytes = fromHex(a.data);
          let off = 0;
          for (const b of data) { this.memWrite(fx, b.addr, bytes.subarray(off, off + b.len)); off += b.len; }
        }
        r.written = dataLen + 1;
        r.status = 0;
        return;
      }
      case T_FLUSH: {
        if ((this.features & F_FLUSH) === 0n) { r.status = 2; return; }
        writeMsg({ id: fx.id, op: 'disk-flush' });
        const a = fx.answer('disk-done');
        r.status = a.error ? 1 : 0;
        return;
      }
      case T_GET_ID: {
        const w = data.filter((b) => b.write);
        if (w.length !== data.length || dataLen < 1) { r.status = 1; return; }
        const id = Buffer.alloc(20);
        Buffer.from(this.serial, 'utf8').copy(id, 0, 0, 20);
        let off = 0;
        for (const b of data) {
          if (off >= 20) break;
          const n = Math.min(b.len, 20 - off);
          this.memWrite(fx, b.addr, id.subarray(off, off + n));
          off += n;
        }
        r.written = off + 1;
        r.status = 0;
        return;
      }
      default:
        r.status = 2; // VIRTIO_BLK_S_UNSUPP
    }
  }

  stepExecute(fx, q) {
    if (this.quiesced() || !this.live(q)) { fx.note(`q${q}: execute: no-op`); return; }
    const vq = this.queues[q];
    const r = vq.taken.find((x) => !x.executed);
    if (!r) return;
    try {
      if (r.reread) this.reread(fx, q, r);
      this.execute(fx, q, r);
      fx.steps.push({ kind: 'complete', queue: q });
    } catch (e) {
      if (!(e instanceof DMAError)) throw e;
      this.needsReset(fx, `q${q}: ${e.message}`);
    }
  }

  complete(fx, q, r) {
    const vq = this.queues[q];
    const st = r.bufs[r.bufs.length - 1];
    this.memWrite(fx, st.addr, Buffer.from([r.status]));
    const el = Buffer.alloc(8); el.writeUInt32LE(r.head, 0); el.writeUInt32LE(r.written, 4);
    this.memWrite(fx, vq.device + BigInt(4 + 8 * (vq.usedIdx % vq.size)), el);
    vq.usedIdx = (vq.usedIdx + 1) & 0xffff;
    const idx = Buffer.alloc(2); idx.writeUInt16LE(vq.usedIdx, 0);
    this.memWrite(fx, vq.device + 2n, idx);
    this.queueInterrupt(fx, q);
  }

  stepComplete(fx, q) {
    if (this.quiesced() || !this.live(q)) { fx.note(`q${q}: complete: no-op`); return; }
    const vq = this.queues[q];
    if (!vq.taken.length || !vq.taken[0].executed) return;
    const r = vq.taken.shift();
    try {
      this.complete(fx, q, r);
    } catch (e) {
      if (!(e instanceof DMAError)) throw e;
      this.needsReset(fx, `q${q}: ${e.message}`);
    }
  }

  // ---- BAR0 ----
  commonImage() {
    const b = Buffer.alloc(64);
    const vq = this.queues[this.queueSelect];
    b.writeUInt32LE(this.dfSelect >>> 0, 0x00);
    const df = this.dfSelect < 2 ? Number((this.features >> BigInt(32 * this.dfSelect)) & 0xffffffffn) : 0;
    b.writeUInt32LE(df, 0x04);
    b.writeUInt32LE(this.drfSelect >>> 0, 0x08);
    const drf = this.drfSelect < 2 ? Number((this.driverFeatures >> BigInt(32 * this.drfSelect)) & 0xffffffffn) : 0;
    b.writeUInt32LE(drf, 0x0c);
    b.writeUInt16LE(this.configVector, 0x10);
    b.writeUInt16LE(this.numQueues, 0x12);
    b[0x14] = this.status;
    b[0x15] = this.configGen & 0xff;
    b.writeUInt16LE(this.queueSelect, 0x16);
    if (vq) {
      b.writeUInt16LE(vq.size, 0x18);
      b.writeUInt16LE(vq.vector, 0x1a);
      b.writeUInt16LE(vq.enable, 0x1c);
      b.writeUInt16LE(this.queueSelect, 0x1e);
      putLE64(b, 0x20, vq.desc);
      putLE64(b, 0x28, vq.driver);
      putLE64(b, 0x30, vq.device);
      b.writeUInt16LE(this.queueSelect, 0x38);
      b.writeUInt16LE(vq.reset, 0x3a);
    }
    return b;
  }

  blkConfig() {
    const b = Buffer.alloc(0x100);
    putLE64(b, 0, BigInt(this.capacity));
    b.writeUInt32LE(65536, 8);
    b.writeUInt32LE(this.qmax - 2, 12);
    b.writeUInt32LE(512, 20);
    b[32] = this.writeback;
    b.writeUInt16LE(this.numQueues, 34);
    return b;
  }

  msixBytes() {
    const b = Buffer.alloc(16 * this.vectors);
    this.msix.forEach((e, i) => {
      putLE64(b, 16 * i, e.addr); b.writeUInt32LE(e.data >>> 0, 16 * i + 8); b.writeUInt32LE(e.ctrl >>> 0, 16 * i + 12);
    });
    return b;
  }

  pbaBytes() {
    const b = Buffer.alloc(8 * Math.ceil(this.vectors / 64));
    this.msix.forEach((e, i) => { if (e.pending) b[i >> 3] |= 1 << (i & 7); });
    return b;
  }

  mmioRead(fx, off, len) {
    const slice = (b, o) => { const r = Buffer.alloc(len); if (o < b.length) b.copy(r, 0, o, Math.min(b.length, o + len)); return r; };
    if (off < 0x1000) return slice(this.commonImage(), off);
    if (off < 0x2000) {
      const r = Buffer.alloc(len);
      if (off === 0x1000) { r[0] = this.isr; this.isr = 0; }
      return r;
    }
    if (off < 0x3000) return slice(this.blkConfig(), off - 0x2000);
    if (off < 0x4000) return Buffer.alloc(len);
    if (off < 0x5000) return slice(this.msixBytes(), off - 0x4000);
    if (off < 0x6000) return slice(this.pbaBytes(), off - 0x5000);
    return Buffer.alloc(len);
  }

  mmioWrite(fx, off, data) {
    if (off < 0x1000) return this.commonWrite(fx, off, data);
    if (off >= 0x2000 && off < 0x3000) {
      if (this.mode === 2) { fx.note('device config write ignored in Freeze'); return; }
      if (off === 0x2000 + 32 && data.length === 1 && (this.driverFeatures & F_CONFIG_WCE) !== 0n) {
        this.writeback = data[0] ? 1 : 0;
      } else fx.note(`device config write at ${off - 0x2000} ignored`);
      return;
    }
    if (off >= 0x3000 && off < 0x4000) {
      const q = (off - 0x3000) / 4;
      if (!Number.isInteger(q) || q >= this.numQueues) { fx.note(`doorbell ${off.toString(16)}: no queue`); return; }
      if (this.quiesced()) {
        if (this.mode === 2) { fx.note(`q${q}: doorbell dropped in Freeze (freeze-notify=drop)`); return; }
        const vq = this.queues[q];
        vq.latched = true;
        vq.latchedIdx = data.length === 4 ? data.readUInt16LE(2) : 0;
        fx.note(`q${q}: doorbell latched`);
        return;
      }
      if (this.live(q)) this.askFetch(fx, q);
      return;
    }
    if (off >= 0x4000 && off < 0x4000 + 16 * this.vectors) {
      const img = this.msixBytes();
      data.copy(img, off - 0x4000);
      this.msix.forEach((e, i) => {
        e.addr = le64(img, 16 * i); e.data = img.readUInt32LE(16 * i + 8); e.ctrl = img.readUInt32LE(16 * i + 12);
      });
      this.sendPending(fx);
    }
  }

  commonWrite(fx, off, data) {
    const f = COMMON_FIELDS.get(off);
    let size = f ? f[1] : 0;
    if (f && data.length === 8 && (off === 0x20 || off === 0x28 || off === 0x30)) size = 8;
    if (!f || data.length !== size) { fx.note(`common cfg write of ${data.length} bytes at ${off} ignored`); return; }
    const val = size === 1 ? data[0] : size === 2 ? data.readUInt16LE(0) : size === 4 ? data.readUInt32LE(0) : null;
    const vq = this.queues[this.queueSelect];
    switch (off) {
      case 0x00: this.dfSelect = val; return;
      case 0x08: this.drfSelect = val; return;
      case 0x0c:
        if (this.drfSelect < 2) {
          const sh = BigInt(32 * this.drfSelect);
          this.driverFeatures = (this.driverFeatures & ~(0xffffffffn << sh) & MASK64) | (BigInt(val) << sh);
        }
        return;
      case 0x10: this.configVector = val; return;
      case 0x14: return this.statusWrite(fx, val);
      case 0x16: this.queueSelect = val; return;
    }
    if (!vq) { fx.note(`queue ${this.queueSelect}: no such queue, write ignored`); return; }
    switch (off) {
      case 0x18:
        // a power of two up to queue_size_max
        if (val === 0 || val > this.qmax || (val & (val - 1)) !== 0) { fx.note(`queue_size ${val} ignored`); return; }
        vq.size = val;
        return;
      case 0x1a: vq.vector = val; return;
      case 0x1c:
        if (val === 1) { vq.enable = 1; vq.reset = 0; }
        return;
      case 0x20: case 0x24: case 0x28: case 0x2c: case 0x30: case 0x34: {
        const key = off < 0x28 ? 'desc' : off < 0x30 ? 'driver' : 'device';
        if (size === 8) { vq[key] = le64(data, 0); vq.split[key] = 0; return; }
        const hi = (off & 4) !== 0;
        vq.split[key] |= hi ? 2 : 1;
        if (vq.split[key] === 3) vq.split[key] = 0;
        const v = BigInt(val);
        vq[key] = hi ? (vq[key] & 0xffffffffn) | (v << 32n) : (vq[key] & ~0xffffffffn & MASK64) | v;
        return;
      }
      case 0x3a:
        if (val === 1 && (this.features & (1n << 40n)) !== 0n) { this.resetQueue(this.queueSelect); this.queues[this.queueSelect].reset = 1; }
        return;
    }
    // read-only fields
  }

  statusWrite(fx, val) {
    if (val === 0) {
      if (this.resetPending) return;
      if (this.status === 0) {
        // Nothing to wait for: a pending reset would read 0 before it is done.
        this.resetVirtio();
        this.releaseHeld(fx);
        return;
      }
      this.resetPending = true;
      fx.steps.push({ kind: 'finish-reset' });
      return;
    }
    if (this.resetPending) { fx.note('device_status write while a reset is pending: lost'); return; }
    let v = val | (this.status & S_NEEDS_RESET);
    if ((v & S_FEATURES_OK) && !(this.status & S_FEATURES_OK)) {
      const ok = (this.driverFeatures & ~this.features & MASK64) === 0n && (this.driverFeatures & F_VERSION_1) !== 0n;
      if (!ok) { v &= ~S_FEATURES_OK; fx.note('FEATURES_OK refused'); }
    }
    this.status = v & 0xff;
  }

  // ---- configuration space ----
  cfgRead(off, len) {
    const r = Buffer.alloc(len);
    if (this.flrPending) { r.fill(0xff); return r; }
    if (off < 0x100) this.cfg.copy(r, 0, off, Math.min(0x100, off + len));
    return r;
  }

  cfgWrite(fx, off, data) {
    if (off >= 0x100) return;
    // PCI Express Device Control, Initiate FLR (bit 15): starts an FLR, is never stored, reads 0
    const flr = off <= 0x51 && off + data.length > 0x51 && (data[0x51 - off] & 0x80) !== 0;
    for (let i = 0; i < data.length && off + i < 0x100; i++) {
      const o = off + i;
      const m = this.cfgMask[o];
      this.cfg[o] = (this.cfg[o] & ~m) | (data[i] & m);
    }
    // PCI Express Device Control, Initiate FLR (bit 15): reads 0
    if (flr) {
      if (!this.flrPending) {
        this.flrPending = true;
        fx.timers.push({ timer: 'flr', delay: FLR_NS });
        fx.note('FLR started');
      }
    }
    // Message Control written: Function Mask cleared or MSI-X enabled sends what is pending.
    if (off <= 0x87 && off + data.length > 0x86) this.sendPending(fx);
    if (off <= 0x44 && off + data.length > 0x44) {
      const ps = this.cfg[0x44] & 3;
      if (ps !== (this.powerState || 0)) {
        this.powerState = ps;
        this.pmPending = true;
        fx.timers.push({ timer: 'pm', delay: PM_NS });
      }
    }
  }

  // ---- admin ----
  blocked() { return this.flrPending || this.resetPending || this.pmPending; }

  holdable(op) {
    return this.draft ? op === D_MODE_SET || op === D_CTX_WRITE || op === D_CTX_READ : op === OP_MODE_SET || op === OP_PARTS_SET;
  }

  admin(fx, a) {
    const holdable = this.holdable(a.opcode);
    if (this.held.length || (holdable && this.blocked())) {
      this.held.push(a);
      fx.note(`admin tag ${a.tag} held`);
      return;
    }
    fx.completions.push(this.runAdmin(fx, a));
  }

  releaseHeld(fx) {
    while (this.held.length) {
      const a = this.held[0];
      if (this.holdable(a.opcode) && this.blocked()) return;
      this.held.shift();
      fx.completions.push(this.runAdmin(fx, a));
    }
  }

  runAdmin(fx, a) {
    if (this.draft) return this.runDraftAdmin(fx, a);
    const data = fromHex(a.data);
    const { fail, ok } = replies(a);
    switch (a.opcode) {
      case OP_MODE_SET: {
        if (data.length < 1) return fail(ST_EINVAL, Q_INVALID_FIELD);
        const want = data[0] & 1;
        if (want === this.mode) return ok();
        if (want === 1) this.stop(fx); else this.resume(fx);
        return ok();
      }
      case OP_METADATA_GET: {
        if (data.length < 9) return fail(ST_EINVAL, Q_INVALID_FIELD);
        const parts = this.partList();
        let res;
        if (data[8] === 0) { res = Buffer.alloc(8); res.writeUInt32LE(Device.encodeParts(parts).length, 0); }
        else if (data[8] === 1) { res = Buffer.alloc(8); res.writeUInt32LE(parts.length, 0); }
        else if (data[8] === 2) {
          const head = Buffer.alloc(8); head.writeUInt32LE(parts.length, 0);
          res = Buffer.concat([head, ...parts.map(Device.encodeHdr)]);
        } else return fail(ST_EINVAL, Q_INVALID_FIELD);
        if (res.length > (a.result_cap || 0)) return fail(ST_ENOMEM, Q_NORESOURCE);
        return ok(res);
      }
      case OP_PARTS_GET: {
        if (data.length < 9) return fail(ST_EINVAL, Q_INVALID_FIELD);
        const parts = this.partList();
        if (data[8] === 1) return ok(Device.encodeParts(parts));
        if (data[8] !== 0) return fail(ST_EINVAL, Q_INVALID_FIELD);
        const want = [];
        for (let o = 16; o + 16 <= data.length; o += 16) want.push(data.subarray(o, o + 16));
        const sel = parts.filter((p) => want.some((h) => h.readUInt16LE(0) === p.type && h.subarray(4, 12).equals(p.selector)));
        return ok(Device.encodeParts(sel));
      }
      case OP_PARTS_SET: {
        if (this.mode !== 1) return fail(ST_EINVAL, Q_INVALID_FIELD);
        const parsed = this.decodeSet(data.subarray(8));
        if (!parsed) return fail(ST_EINVAL, Q_INVALID_FIELD);
        this.latchedParts = parsed;
        return ok();
      }
    }
    return fail(ST_EINVAL, 1);
  }

  // decodeSet checks a DEV_PARTS_SET run against this device (DP-DEV-05) and returns it, or null.
  decodeSet(b) {
    const mine = this.partList();
    const key = (t, s) => t + ':' + toHex(s);
    const lengths = new Map(mine.map((p) => [key(p.type, p.selector), p.value.length]));
    const order = [PT_DEV_FEATURES, PT_DRV_FEATURES, PT_COMMON, PT_STATUS, PT_VQ_CFG, PT_VQ_NOTIFY];
    const out = [];
    const seen = new Set();
    let lastRank = -1;
    let off = 0;
    while (off < b.length) {
      if (off + 16 > b.length) return null;
      const type = b.readUInt16LE(off), flags = b[off + 2], selector = Buffer.from(b.subarray(off + 4, off + 12));
      const len = b.readUInt32LE(off + 12);
      if (off + 16 + len > b.length) return null;
      const value = Buffer.from(b.subarray(off + 16, off + 16 + len));
      off += 16 + len;
      if (flags & ~1) return null;
      const rank = order.indexOf(type);
      if (rank < 0) { if (flags & 1) continue; return null; }
      if (rank < lastRank) return null;
      lastRank = rank;
      const k = key(type, selector);
      if (seen.has(k)) return null;
      seen.add(k);
      if (type === PT_COMMON) {
        const o = selector.readUInt32LE(0);
        const f = COMMON_FIELDS.get(o);
        if (!f || selector.readUInt32LE(4) !== 0) return null;
        const whole = (o === 0x20 || o === 0x28 || o === 0x30) && len === 8;
        if (len !== f[1] && !whole) return null;
        out.push({ type, selector, value });
        continue;
      }
      if (!lengths.has(k)) return null;
      if (lengths.get(k) !== len) return null;
      if (type === PT_DEV_FEATURES && le64(value, 0) !== this.features) return null;
      if (type === PT_DRV_FEATURES && (le64(value, 0) & ~this.features & MASK64) !== 0n) return null;
      out.push({ type, selector, value });
    }
    return out;
  }

  applyParts(parts) {
    for (const p of parts) {
      switch (p.type) {
        case PT_DRV_FEATURES: this.driverFeatures = le64(p.value, 0); break;
        case PT_COMMON: {
          const o = p.selector.readUInt32LE(0);
          if (o === 0x00) this.dfSelect = p.value.readUInt32LE(0);
          else if (o === 0x08) this.drfSelect = p.value.readUInt32LE(0);
          else if (o === 0x10) this.configVector = p.value.readUInt16LE(0);
          else if (o === 0x16) this.queueSelect = p.value.readUInt16LE(0);
          break;
        }
        case PT_STATUS: this.status = p.value[0]; break;
        case PT_VQ_CFG: {
          const vq = this.queues[p.selector.readUInt16LE(0)];
          vq.size = p.value.readUInt16LE(0); vq.vector = p.value.readUInt16LE(2); vq.enable = p.value.readUInt16LE(4);
          vq.desc = le64(p.value, 8); vq.driver = le64(p.value, 16); vq.device = le64(p.value, 24);
          break;
        }
      }
    }
  }

  // stop: running -> stopped. virtio-1.4 writes back every buffer already taken first (DP-DEV-09),
  // with its interrupts held.
  stop(fx) {
    this.mode = 1;
    fx.note('mode running -> stopped');
    for (let q = 0; q < this.numQueues; q++) {
      const vq = this.queues[q];
      if (!this.live(q)) continue;
      try {
        while (vq.taken.length) {
          const r = vq.taken[0];
          if (!r.executed) this.execute(fx, q, r);
          vq.taken.shift();
          this.complete(fx, q, r);
        }
      } catch (e) {
        if (!(e instanceof DMAError)) throw e;
        this.needsReset(fx, `q${q}: ${e.message}`);
      }
    }
  }

  // resume: stopped -> running (docs/device-model.md, "Resume").
  resume(fx) {
    const fromParts = this.latchedParts !== null;
    if (fromParts) {
      this.applyParts(this.latchedParts);
      this.latchedParts = null;
    }
    this.mode = 0;
    fx.note('mode stopped -> running');
    for (let q = 0; q < this.numQueues; q++) {
      const vq = this.queues[q];
      if (!this.live(q)) continue;
      try {
        if (fromParts) {
          const used = this.memRead(fx, vq.device + 2n, 2).readUInt16LE(0);
          vq.usedIdx = used; vq.lastAvail = used; vq.taken = [];
        }
        vq.held = true; // resume-config-notify=always: one used-buffer notification per live queue
        let fetch = vq.latched;
        vq.latched = false;
        const avail = this.memRead(fx, vq.driver + 2n, 2).readUInt16LE(0);
        if (avail !== vq.lastAvail) fetch = true; // resume-avail=recheck
        for (const r of vq.taken) fx.steps.push({ kind: r.executed ? 'complete' : 'execute', queue: q });
        if (fetch) this.askFetch(fx, q);
      } catch (e) {
        if (!(e instanceof DMAError)) throw e;
        this.needsReset(fx, `q${q}: ${e.message}`);
      }
    }
    this.configHeld = true; // resume-config-notify=always
    fx.steps.unshift({ kind: 'deliver-held' });
  }

  // ---- draft-2023: the device context (docs/context-format.md) ----
  // ctxFields returns the context's fields in type order: [{type, value}].
  ctxFields(opts = {}) {
    const f = [];
    const list = (size, entries) => {
      const b = Buffer.alloc(8 + size * entries.length);
      b.writeUInt32LE(entries.length, 0);
      entries.forEach((e, i) => e.copy(b, 8 + size * i));
      return b;
    };
    f.push({ type: F_COMMON, value: this.commonImage() });
    const splits = [];
    this.queues.forEach((vq, q) => {
      [['desc', 32], ['driver', 40], ['device', 48]].forEach(([key, field]) => {
        const fl = opts.bound ? 1 : vq.split[key];
        if (!fl) return;
        const e = Buffer.alloc(16);
        e.writeUInt16LE(q, 0); e[2] = field; e[3] = fl;
        e.writeUInt32LE(Number(vq[key] & 0xffffffffn), 4); e.writeUInt32LE(Number(vq[key] >> 32n), 8);
        splits.push(e);
      });
    });
    f.push({ type: F_COMMON_RUNTIME, value: list(16, splits) });
    const w = (x) => { const b = Buffer.alloc(8); putLE64(b, 0, x); return b; };
    f.push({ type: F_DEV_FEATURES, value: w(this.features) });
    f.push({ type: F_DRV_FEATURES, value: w(this.driverFeatures) });
    const st = Buffer.alloc(8); st[0] = this.status;
    f.push({ type: F_STATUS, value: st });
    f.push({ type: F_VQ_CFG, value: list(40, this.queues.map((vq, q) => {
      const e = Buffer.alloc(40);
      e.writeUInt16LE(q, 0); e.writeUInt16LE(vq.size, 2); e.writeUInt16LE(vq.vector, 4); e.writeUInt16LE(vq.enable, 6);
      e.writeUInt16LE(q, 8); e.writeUInt16LE(q, 10);
      putLE64(e, 16, vq.desc); putLE64(e, 24, vq.driver); putLE64(e, 32, vq.device);
      return e;
    })) });
    f.push({ type: F_VQ_RUNTIME, value: list(16, this.queues.map((vq, q) => {
      const e = Buffer.alloc(16);
      e.writeUInt16LE(q, 0); e.writeUInt16LE(vq.lastAvail, 2); e.writeUInt16LE(vq.usedIdx, 4);
      e[6] = (vq.latched ? 1 : 0) | (vq.held ? 2 : 0);
      e.writeUInt16LE(vq.latched ? vq.latchedIdx : 0, 8);
      return e;
    })) });
    const own = [];
    this.queues.forEach((vq, q) => {
      const heads = opts.bound ? Array.from({ length: this.qmax }, (_, i) => i) : vq.taken.map((r) => r.head);
      for (const h of heads) { const e = Buffer.alloc(8); e.writeUInt16LE(q, 0); e.writeUInt16LE(h, 2); own.push(e); }
    });
    f.push({ type: F_DEV_OWN, value: list(8, own) });
    f.push({ type: F_DEV_CFG, value: this.blkConfig().subarray(0, 36) });
    const pe = Buffer.alloc(16);
    pe.writeUInt32LE((this.configHeld ? 1 : 0) | (this.flrPending ? 2 : 0) | (this.resetPending ? 4 : 0), 0);
    let irqs = 0n;
    this.queues.forEach((vq, q) => { if (vq.held) irqs |= 1n << BigInt(q); });
    putLE64(pe, 8, irqs);
    f.push({ type: F_PENDING, value: pe });
    return f;
  }

  static fieldBytes(fl) {
    const pad = (8 - (fl.value.length % 8)) % 8;
    const h = Buffer.alloc(16);
    h.writeUInt32LE(fl.type, 0); putLE64(h, 8, BigInt(fl.value.length));
    return Buffer.concat([h, fl.value, Buffer.alloc(pad)]);
  }

  static encodeCtx(fields) {
    const h = Buffer.alloc(8); h.writeUInt32LE(fields.length, 0);
    return Buffer.concat([h, ...fields.map(Device.fieldBytes)]);
  }

  // decodeCtx reads a whole context, or returns null: the header, each field's header, its value
  // and zero padding, known types, no type twice, no trailing bytes.
  static decodeCtx(b) {
    if (b.length < 8) return null;
    const n = b.readUInt32LE(0);
    const out = new Map();
    let off = 8;
    for (let i = 0; i < n; i++) {
      if (off + 16 > b.length) return null;
      const type = b.readUInt32LE(off);
      const len = le64(b, off + 8);
      if (len > BigInt(b.length - off - 16)) return null;
      const l = Number(len);
      const pad = (8 - (l % 8)) % 8;
      if (off + 16 + l + pad > b.length) return null;
      if (!b.subarray(off + 16 + l, off + 16 + l + pad).every((x) => x === 0)) return null;
      if (!((type >= 1 && type <= 0xa) || (type >= 0x1000 && type <= 0x1fff))) return null;
      if (out.has(type)) return null;
      out.set(type, Buffer.from(b.subarray(off + 16, off + 16 + l)));
      off += 16 + l + pad;
    }
    if (off !== b.length) return null;
    return out;
  }

  // readSelection is what the next DEV_CTX_READ returns, before any result_cap: the cursor's rest,
  // or (a read that starts) the fields whose value differs from the baseline.
  readSelection() {
    if (this.cursor) return { fields: this.cursor, starts: false };
    const all = this.ctxFields();
    const fields = this.baseline ? all.filter((fl) => !(this.baseline.has(fl.type) && this.baseline.get(fl.type).equals(fl.value))) : all;
    return { fields, starts: true, all };
  }

  draftRead(a) {
    const sel = this.readSelection();
    const room = (a.result_cap || 0) - 16;
    let used = 0;
    let k = 0;
    while (k < sel.fields.length) {
      const n = Device.fieldBytes(sel.fields[k]).length;
      if (used + n > room) break;
      used += n; k++;
    }
    if (k === 0 && sel.fields.length > 0) return null; // ENOMEM: nothing changes
    if (sel.starts) this.baseline = new Map(sel.all.map((fl) => [fl.type, fl.value]));
    const rest = sel.fields.slice(k);
    this.cursor = rest.length ? rest : null;
    const ctx = Device.encodeCtx(sel.fields.slice(0, k));
    const head = Buffer.alloc(8);
    head.writeUInt32LE(ctx.length, 0);
    head.writeUInt32LE(rest.reduce((s, fl) => s + Device.fieldBytes(fl).length, 0), 4);
    return Buffer.concat([head, ctx]);
  }

  // checkCtx validates written fields against this device, or returns why not.
  checkCtx(m) {
    const need = new Map(this.ctxFields().map((fl) => [fl.type, fl.value.length]));
    for (const [type, v] of m) {
      if (!need.has(type)) return `field type ${type} unknown to a virtio-blk device`;
      const listOf = (size) => v.length >= 8 && v.length === 8 + size * v.readUInt32LE(0);
      switch (type) {
        case F_COMMON: case F_DEV_CFG: case F_PENDING: case F_STATUS:
          if (v.length !== need.get(type)) return `field ${type}: length ${v.length}`;
          break;
        case F_DEV_FEATURES:
          if (v.length !== 8 || le64(v, 0) !== this.features) return 'DEV_FEATURES differ from the offered features';
          break;
        case F_DRV_FEATURES:
          if (v.length !== 8 || (le64(v, 0) & ~this.features & MASK64) !== 0n) return 'DRV_FEATURES not offered';
          break;
        case F_COMMON_RUNTIME:
          if (!listOf(16)) return 'PCI_COMMON_RUNTIME_CFG length';
          for (let o = 8; o < v.length; o += 16) {
            if (v.readUInt16LE(o) >= this.numQueues || ![32, 40, 48].includes(v[o + 2]) || ![1, 2].includes(v[o + 3])) return 'PCI_COMMON_RUNTIME_CFG entry';
          }
          break;
        case F_VQ_CFG:
          if (!listOf(40)) return 'PCI_VQ_CFG length';
          for (let o = 8; o < v.length; o += 40) {
            const size = v.readUInt16LE(o + 2);
            if (v.readUInt16LE(o) >= this.numQueues || size === 0 || size > this.qmax || (size & (size - 1))) return 'PCI_VQ_CFG entry';
          }
          break;
        case F_VQ_RUNTIME:
          if (!listOf(16)) return 'VQ_SPLIT_RUNTIME_CFG length';
          for (let o = 8; o < v.length; o += 16) if (v.readUInt16LE(o) >= this.numQueues || (v[o + 6] & ~3)) return 'VQ_SPLIT_RUNTIME_CFG entry';
          break;
        case F_DEV_OWN:
          if (!listOf(8)) return 'VQ_SPLIT_DEV_OWN_DESC length';
          for (let o = 8; o < v.length; o += 8) if (v.readUInt16LE(o) >= this.numQueues) return 'VQ_SPLIT_DEV_OWN_DESC entry';
          break;
      }
    }
    return '';
  }

  // applyCtx applies written fields at the move to Active.
  applyCtx(fx, m) {
    const keepLatched = this.queues.map((vq) => [vq.latched, vq.latchedIdx]);
    const c = m.get(F_COMMON);
    if (c) {
      this.dfSelect = c.readUInt32LE(0); this.drfSelect = c.readUInt32LE(8);
      this.configVector = c.readUInt16LE(0x10); this.queueSelect = c.readUInt16LE(0x16);
    }
    if (m.has(F_DRV_FEATURES)) this.driverFeatures = le64(m.get(F_DRV_FEATURES), 0);
    if (m.has(F_STATUS)) this.status = m.get(F_STATUS)[0];
    const each = (type, size, fn) => {
      const v = m.get(type);
      if (!v) return;
      for (let o = 8; o < v.length; o += size) fn(v, o);
    };
    each(F_VQ_CFG, 40, (v, o) => {
      const vq = this.queues[v.readUInt16LE(o)];
      vq.size = v.readUInt16LE(o + 2); vq.vector = v.readUInt16LE(o + 4); vq.enable = v.readUInt16LE(o + 6);
      vq.desc = le64(v, o + 16); vq.driver = le64(v, o + 24); vq.device = le64(v, o + 32);
    });
    if (m.has(F_COMMON_RUNTIME)) {
      for (const vq of this.queues) vq.split = { desc: 0, driver: 0, device: 0 };
      each(F_COMMON_RUNTIME, 16, (v, o) => {
        const vq = this.queues[v.readUInt16LE(o)];
        vq.split[{ 32: 'desc', 40: 'driver', 48: 'device' }[v[o + 2]]] = v[o + 3];
      });
    }
    each(F_VQ_RUNTIME, 16, (v, o) => {
      const q = v.readUInt16LE(o);
      const vq = this.queues[q];
      vq.lastAvail = v.readUInt16LE(o + 2); vq.usedIdx = v.readUInt16LE(o + 4);
      vq.latched = (v[o + 6] & 1) !== 0 || keepLatched[q][0];
      vq.latchedIdx = keepLatched[q][0] ? keepLatched[q][1] : v.readUInt16LE(o + 8);
      vq.held = (v[o + 6] & 2) !== 0;
    });
    if (m.has(F_DEV_OWN)) {
      for (const vq of this.queues) vq.taken = [];
      each(F_DEV_OWN, 8, (v, o) => {
        this.queues[v.readUInt16LE(o)].taken.push({ head: v.readUInt16LE(o + 2), reread: true, executed: false });
      });
    }
    if (m.has(F_DEV_CFG)) {
      const d = m.get(F_DEV_CFG);
      this.capacity = Number(le64(d, 0));
      this.writeback = d[32];
    }
    if (m.has(F_PENDING)) {
      const pe = m.get(F_PENDING);
      const fl = pe.readUInt32LE(0);
      this.configHeld = (fl & 1) !== 0;
      const irqs = le64(pe, 8);
      this.queues.forEach((vq, q) => { if ((irqs >> BigInt(q)) & 1n) vq.held = true; });
      if ((fl & 4) && !this.resetPending) { this.resetPending = true; fx.steps.push({ kind: 'finish-reset' }); }
    }
  }

  // reread reads a device-owned chain again from its head (a destination's context brought it).
  reread(fx, q, r) {
    const vq = this.queues[q];
    const bufs = this.readChain(fx, vq, r.head);
    if (bufs.length < 2 || bufs[0].write || bufs[0].len < 16 || !bufs[bufs.length - 1].write)
      throw new DMAError(`request ${r.head}: no out header or no status byte`);
    const h = this.memRead(fx, bufs[0].addr, 16);
    Object.assign(r, { bufs, type: h.readUInt32LE(0), sector: le64(h, 8), executed: false, status: 0, written: 0, reread: false });
  }

  draftModeSet(fx, to) {
    const from = this.mode;
    if (to === from) return;
    this.mode = to;
    fx.note(`mode ${from} -> ${to}`);
    if (from === 0) {
      // Leaving Active: a fetch still pending becomes a latched doorbell (resume-avail=latched-only).
      for (const vq of this.queues) if (vq.fetches > 0) { vq.latched = true; vq.fetches = 0; }
      this.baseline = null; this.cursor = null;
      return;
    }
    if (to !== 0) return;
    this.baseline = null; this.cursor = null;
    if (this.latchedCtx) { this.applyCtx(fx, this.latchedCtx); this.latchedCtx = null; }
    if (this.capacity !== this.diskCap) {
      this.capacity = this.diskCap;
      this.configGen = (this.configGen + 1) & 0xff;
      this.isr |= 2;
      this.configHeld = true;
    }
    fx.steps.push({ kind: 'deliver-held' });
    this.queues.forEach((vq, q) => {
      if (!this.live(q)) return;
      try {
        for (const r of vq.taken) {
          if (r.reread) this.reread(fx, q, r);
          fx.steps.push({ kind: r.executed ? 'complete' : 'execute', queue: q });
        }
      } catch (e) {
        if (!(e instanceof DMAError)) throw e;
        this.needsReset(fx, `q${q}: ${e.message}`);
        return;
      }
      if (vq.latched) { vq.latched = false; this.askFetch(fx, q); }
    });
  }

  runDraftAdmin(fx, a) {
    const data = fromHex(a.data);
    const { fail, ok } = replies(a);
    switch (a.opcode) {
      case D_MODE_SET: {
        const to = data.length ? data[0] : 0;
        if (to > 2) return fail(ST_EINVAL, Q_INVALID_FIELD);
        this.draftModeSet(fx, to);
        return ok();
      }
      case D_MODE_GET: { const r = Buffer.alloc(8); r[0] = this.mode; return ok(r); }
      case D_CTX_SIZE_GET: {
        const r = Buffer.alloc(8);
        const fields = data.length && data[0] === 1 ? this.ctxFields({ bound: true }) : this.readSelection().fields;
        putLE64(r, 0, BigInt(Device.encodeCtx(fields).length));
        return ok(r);
      }
      case D_CTX_READ: {
        const r = this.draftRead(a);
        return r ? ok(r) : fail(ST_ENOMEM, Q_NORESOURCE);
      }
      case D_CTX_WRITE: {
        if (this.mode !== 2) return fail(ST_EINVAL, Q_INVALID_FIELD);
        const m = Device.decodeCtx(data);
        if (!m) return fail(ST_EINVAL, Q_INVALID_FIELD);
        const merged = new Map(this.latchedCtx || []);
        for (const [t, v] of m) merged.set(t, v);
        const why = this.checkCtx(merged);
        if (why) { fx.note(`DEV_CTX_WRITE refused: ${why}`); return fail(ST_EINVAL, Q_INVALID_FIELD); }
        this.latchedCtx = merged;
        return ok();
      }
      case D_FIELDS_QUERY: {
        const f = this.ctxFields();
        const r = Buffer.alloc(8 + 8 * f.length);
        r.writeUInt32LE(f.length, 0);
        f.forEach((fl, i) => { r.writeUInt16LE(fl.type, 8 + 8 * i); r.writeUInt32LE(fl.value.length, 12 + 8 * i); });
        return ok(r);
      }
      case D_DISCARD: this.baseline = null; this.cursor = null; return ok();
    }
    return fail(ST_EINVAL, 1);
  }

  // ---- events ----
  handle(fx, ev) {
    switch (ev.kind) {
      case 'tlp': return this.tlp(fx, ev.tlp);
      case 'admin': return this.admin(fx, ev.admin);
      case 'timer':
        if (ev.timer === 'flr') { fx.steps.push({ kind: 'finish-flr' }); return; }
        if (ev.timer === 'pm') { this.pmPending = false; this.releaseHeld(fx); return; }
        return;
      case 'step': return this.step(fx, ev.step);
      case 'backend':
        if (this.mode === 2) { fx.note('backend change deferred in Freeze'); return; }
        if (this.capacity !== this.diskCap) {
          this.capacity = this.diskCap;
          this.configGen = (this.configGen + 1) & 0xff;
          this.configInterrupt(fx);
        }
        return;
    }
    throw new Error(`unknown event kind ${ev.kind}`);
  }

  tlp(fx, t) {
    const addr = parseHex64(t.addr);
    const data = fromHex(t.data);
    switch (t.kind) {
      case 'CfgRd': fx.readData = this.cfgRead(Number(addr), t.len); return;
      case 'CfgWr': this.cfgWrite(fx, Number(addr), data); return;
      case 'MRd': {
        if (this.flrPending) { fx.readData = Buffer.alloc(t.len, 0xff); fx.note('not ready: FLR'); return; }
        fx.readData = this.mmioRead(fx, Number(addr - this.bar0), t.len);
        return;
      }
      case 'MWr':
        if (this.flrPending) { fx.note('memory write dropped: FLR'); return; }
        this.mmioWrite(fx, Number(addr - this.bar0), data);
        return;
    }
    throw new Error(`unknown TLP kind ${t.kind}`);
  }

  step(fx, s) {
    const q = s.queue || 0;
    switch (s.kind) {
      case 'fetch': return this.stepFetch(fx, q);
      case 'execute': return this.stepExecute(fx, q);
      case 'complete': return this.stepComplete(fx, q);
      case 'deliver-held': return this.deliverHeld(fx);
      case 'admin': return this.releaseHeld(fx);
      case 'finish-flr': {
        if (!this.flrPending) return;
        this.flrPending = false;
        this.resetPending = false;
        this.resetPCI();
        this.resetVirtio();
        this.powerState = 0;
        this.latchedCtx = null;
        this.cursor = null;
        if (this.mode !== 0) this.baseline = null;
        this.mode = 0; // mode-after-flr=running
        fx.note('FLR complete: defaults restored, mode running');
        this.releaseHeld(fx);
        return;
      }
      case 'finish-reset': {
        if (!this.resetPending) return;
        this.resetPending = false;
        this.resetVirtio();
        fx.note('device reset complete');
        this.releaseHeld(fx);
        return;
      }
    }
  }
}

// ---- mistakes on purpose ----
// --misbehave=KIND makes the device make a mistake JavaScript programs make, at the hello
// (--misbehave-at=hello) or at its first event (the default), so that a test can check what the
// kit says of each (cmd/migsim, TestConform_JSExampleMisbehaves):
//   console-log          a debug line written with console.log, on stdout
//   stack-on-stdout      an exception caught by a handler that prints its stack with console.log
//   number-strings       status numbers written as strings ("device_status":"0")
//   bigint               a BigInt left in the reply: JSON.stringify throws, the program dies
//   unhandled-rejection  a promise rejected and never handled: Node ends the program with status 1
//                        when its event loop runs, which is when the kit closes stdin
let misbehave = '';
let misbehaveAt = 'first-event';
for (const a of process.argv.slice(2)) {
  if (a.startsWith('--misbehave=')) misbehave = a.slice('--misbehave='.length);
  else if (a.startsWith('--misbehave-at=')) misbehaveAt = a.slice('--misbehave-at='.length);
  else { log(`unknown argument ${a}`); process.exit(2); }
}
const KINDS = ['', 'console-log', 'stack-on-stdout', 'number-strings', 'bigint', 'unhandled-rejection'];
if (!KINDS.includes(misbehave) || !['hello', 'first-event'].includes(misbehaveAt)) {
  log(`--misbehave=${misbehave} --misbehave-at=${misbehaveAt}: want one of ${KINDS.join(', ')} at hello or first-event`);
  process.exit(2);
}

// mistake makes the mistake of --misbehave, once, into the reply out when it is time (at).
let misbehaved = false;
function mistake(at, out) {
  if (misbehave === '' || misbehaved || at !== misbehaveAt) return out;
  misbehaved = true;
  switch (misbehave) {
    case 'console-log':
      console.log('debug: replying', out.op, out.id);
      return out;
    case 'stack-on-stdout':
      try {
        throw new TypeError("Cannot read properties of undefined (reading 'vector')");
      } catch (e) {
        console.log(e.stack);
      }
      return out;
    case 'number-strings':
      if (out.status) out.status = { mode: String(out.status.mode), device_status: String(out.status.device_status) };
      if (out.op === 'hello') out.protocol = '1';
      return out;
    case 'bigint':
      if (out.op === 'hello') out.protocol = 1n;
      else out.digest = fnv64a(Buffer.alloc(0));
      return out;
    case 'unhandled-rejection':
      Promise.reject(new Error('disk-write answer lost'));
      return out;
  }
  return out;
}

// ---- the loop ----
const devices = new Map();

function main() {
  const hello = JSON.parse(readLine());
  writeMsg(mistake('hello', { id: hello.id, op: 'hello', protocol: 1, name: 'jsblk 0.1', editions: ['draft-2023', 'virtio-1.4'] }));
  for (;;) {
    const line = readLine();
    if (line === null) return;
    const m = JSON.parse(line);
    if (m.op === 'new') {
      for (const d of m.drop || []) devices.delete(String(d));
      const dev = new Device(m.config || {}, m.dev);
      devices.set(String(m.dev), dev);
      writeMsg({ id: m.id, op: 'ready', status: dev.statusObj(), digest: dev.digest() });
      continue;
    }
    if (m.op !== 'event') throw new Error(`unexpected op ${m.op}`);
    const dev = devices.get(String(m.dev));
    if (!dev) throw new Error(`event for unknown device ${m.dev}`);
    if (m.capacity !== undefined && m.capacity !== null) dev.diskCap = m.capacity;
    const fx = {
      id: m.id, readData: null, interrupts: [], completions: [], timers: [], steps: [], notes: [],
      note(s) { this.notes.push(s); },
      answer(op) {
        const l = readLine();
        if (l === null) throw new Error(`end of input awaiting ${op}`);
        const a = JSON.parse(l);
        if (a.op !== op || a.id !== this.id) throw new Error(`awaiting ${op} for ${this.id}, got ${l}`);
        return a;
      },
    };
    dev.handle(fx, m.event);
    dev.digestCache = null;
    const out = { id: m.id, op: 'effects' };
    if (fx.readData) out.read_data = toHex(fx.readData);
    if (fx.interrupts.length) out.interrupts = fx.interrupts;
    if (fx.completions.length) out.completions = fx.completions;
    if (fx.timers.length) out.timers = fx.timers;
    if (fx.steps.length) out.steps = fx.steps;
    if (fx.notes.length) out.notes = fx.notes;
    out.status = dev.statusObj();
    out.digest = dev.digest();
    writeMsg(mistake('first-event', out));
  }
}

main();
