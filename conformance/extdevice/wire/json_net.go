package wire

// The parser and writer of the virtio-net parts of Message (wire_net.go),
// with the keys and omissions of their json tags.

func (p *parser) netConfig() *NetConfig {
	if p.null() {
		return nil
	}
	c := &NetConfig{}
	p.object(true, func(k string) {
		switch k {
		case "mac":
			c.MAC = p.hexBytes()
		case "mtu":
			c.MTU = uint16(p.uint(16))
		case "fifo":
			c.FIFO = p.int()
		case "link_up":
			c.LinkUp = p.bool()
		case "held":
			c.Held = p.frames()
		}
	})
	return c
}

func (p *parser) frames() []Frame {
	var out []Frame
	p.array(func() {
		var f Frame
		p.object(true, func(k string) {
			switch k {
			case "seq":
				f.Seq = p.uint(64)
			case "data":
				f.Data = p.hexBytes()
			}
		})
		out = append(out, f)
	})
	return out
}

func (p *parser) portState() *PortState {
	if p.null() {
		return nil
	}
	s := &PortState{}
	p.object(true, func(k string) {
		switch k {
		case "link_up":
			s.LinkUp = p.bool()
		case "announce":
			s.Announce = p.bool()
		case "arrivals":
			s.Arrivals = p.frames()
		}
	})
	return s
}

func (p *parser) wire() *Wire {
	if p.null() {
		return nil
	}
	w := &Wire{}
	p.object(true, func(k string) {
		switch k {
		case "held":
			w.Held = nil
			p.array(func() { w.Held = append(w.Held, p.uint(64)) })
		case "tx":
			w.Tx = nil
			p.array(func() {
				var t TxFrame
				p.object(true, func(k string) {
					switch k {
					case "queue":
						t.Queue = uint16(p.uint(16))
					case "data":
						t.Data = p.hexBytes()
					}
				})
				w.Tx = append(w.Tx, t)
			})
		case "rx":
			w.Rx = nil
			p.array(func() {
				var r RxFrame
				p.object(true, func(k string) {
					switch k {
					case "queue":
						r.Queue = uint16(p.uint(16))
					case "seq":
						r.Seq = p.uint(64)
					}
				})
				w.Rx = append(w.Rx, r)
			})
		case "drops":
			w.Drops = nil
			p.array(func() {
				var d WireDrop
				p.object(true, func(k string) {
					switch k {
					case "dir":
						d.Dir = p.string()
					case "seq":
						d.Seq = p.uint(64)
					case "reason":
						d.Reason = p.string()
					}
				})
				w.Drops = append(w.Drops, d)
			})
		}
	})
	return w
}

func appendNetConfig(b []byte, c *NetConfig) []byte {
	w := objWriter{b: append(b, '{')}
	w.bytes("mac", c.MAC)
	w.uint("mtu", uint64(c.MTU))
	w.int("fifo", int64(c.FIFO))
	if c.LinkUp {
		w.key("link_up")
		w.b = append(w.b, "true"...)
	}
	if len(c.Held) > 0 {
		w.key("held")
		w.b = appendFrames(w.b, c.Held)
	}
	return append(w.b, '}')
}

func appendFrames(b []byte, fs []Frame) []byte {
	b = append(b, '[')
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		o := objWriter{b: append(b, '{')}
		o.uint("seq", f.Seq)
		if len(f.Data) > 0 {
			o.bytes("data", f.Data)
		}
		b = append(o.b, '}')
	}
	return append(b, ']')
}

func appendPortState(b []byte, s *PortState) []byte {
	w := objWriter{b: append(b, '{')}
	if s.LinkUp {
		w.key("link_up")
		w.b = append(w.b, "true"...)
	}
	if s.Announce {
		w.key("announce")
		w.b = append(w.b, "true"...)
	}
	if len(s.Arrivals) > 0 {
		w.key("arrivals")
		w.b = appendFrames(w.b, s.Arrivals)
	}
	return append(w.b, '}')
}

func appendWire(b []byte, x *Wire) []byte {
	w := objWriter{b: append(b, '{')}
	uints(&w, "held", x.Held)
	objs(&w, "tx", x.Tx, func(o *objWriter, t TxFrame) {
		o.uint("queue", uint64(t.Queue))
		if len(t.Data) > 0 {
			o.bytes("data", t.Data)
		}
	})
	objs(&w, "rx", x.Rx, func(o *objWriter, r RxFrame) {
		o.uint("queue", uint64(r.Queue))
		o.uint("seq", r.Seq)
	})
	objs(&w, "drops", x.Drops, func(o *objWriter, d WireDrop) {
		o.str("dir", d.Dir)
		if d.Seq != 0 {
			o.uint("seq", d.Seq)
		}
		o.str("reason", d.Reason)
	})
	return append(w.b, '}')
}
