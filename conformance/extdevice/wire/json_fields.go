package wire

// The keys of Message and its parts, for the parser: each case reads one
// value into its field; an unknown key reads nothing and is refused.

func (p *parser) messageField(m *Message, key string) {
	switch key {
	case "id":
		m.ID = p.uint(64)
	case "op":
		m.Op = p.string()
	case "protocol":
		m.Protocol = p.int()
	case "name":
		m.Name = p.string()
	case "editions":
		m.Editions = p.strings()
	case "knobs":
		m.Knobs = map[string][]string{}
		p.object(false, func(k string) { m.Knobs[k] = p.strings() })
	case "type":
		m.Type = p.string()
	case "port":
		m.Port = p.portState()
	case "wire":
		m.Wire = p.wire()
	case "dev":
		m.Dev = p.uint(64)
	case "config":
		m.Config = p.config()
	case "drop":
		m.Drop = nil
		p.array(func() { m.Drop = append(m.Drop, p.uint(64)) })
	case "capacity":
		if !p.null() {
			v := p.uint(64)
			m.Capacity = &v
		} else {
			m.Capacity = nil
		}
	case "event":
		m.Event = p.event()
	case "addr":
		m.Addr = p.hex64()
	case "sector":
		m.Sector = p.uint(64)
	case "len":
		m.Len = p.int()
	case "data":
		m.Data = p.hexBytes()
	case "error":
		m.Error = p.string()
	case "read_data":
		m.ReadData = p.hexBytes()
	case "interrupts":
		m.Interrupts = nil
		p.array(func() {
			var i Interrupt
			p.object(true, func(k string) {
				switch k {
				case "vector":
					i.Vector = uint16(p.uint(16))
				case "addr":
					i.Addr = p.hex64()
				case "data":
					i.Data = uint32(p.uint(32))
				}
			})
			m.Interrupts = append(m.Interrupts, i)
		})
	case "completions":
		m.Completions = nil
		p.array(func() {
			var c Completion
			p.object(true, func(k string) {
				switch k {
				case "tag":
					c.Tag = p.uint(64)
				case "status":
					c.Status = uint16(p.uint(16))
				case "qualifier":
					c.Qualifier = uint16(p.uint(16))
				case "result":
					c.Result = p.hexBytes()
				}
			})
			m.Completions = append(m.Completions, c)
		})
	case "timers":
		m.Timers = nil
		p.array(func() {
			var t Timer
			p.object(true, func(k string) {
				switch k {
				case "timer":
					t.Timer = p.string()
				case "delay":
					t.Delay = p.uint(64)
				}
			})
			m.Timers = append(m.Timers, t)
		})
	case "steps":
		m.Steps = nil
		p.array(func() { m.Steps = append(m.Steps, p.step()) })
	case "notes":
		m.Notes = p.strings()
	case "status":
		m.Status = p.status()
	case "digest":
		if !p.null() {
			d := p.hex64()
			m.Digest = &d
		} else {
			m.Digest = nil
		}
	}
}

func (p *parser) step() Step {
	var s Step
	p.object(true, func(k string) {
		switch k {
		case "kind":
			s.Kind = p.string()
		case "queue":
			s.Queue = uint16(p.uint(16))
		case "tag":
			s.Tag = p.uint(64)
		}
	})
	return s
}

func (p *parser) status() *Status {
	if p.null() {
		return nil
	}
	s := &Status{}
	p.object(true, func(k string) {
		switch k {
		case "mode":
			s.Mode = uint8(p.uint(8))
		case "device_status":
			s.DeviceStatus = uint8(p.uint(8))
		case "flr_pending":
			s.FLRPending = p.bool()
		case "reset_pending":
			s.ResetPending = p.bool()
		case "held_replies":
			s.HeldReplies = p.int()
		}
	})
	return s
}

func (p *parser) config() *Config {
	if p.null() {
		return nil
	}
	c := &Config{}
	p.object(true, func(k string) {
		switch k {
		case "edition":
			c.Edition = p.string()
		case "rules":
			c.Rules = map[string]string{}
			p.object(false, func(name string) { c.Rules[name] = p.string() })
		case "vf":
			c.VF = p.int()
		case "rid":
			c.RID = uint16(p.uint(16))
		case "bar0":
			c.BAR0 = p.hex64()
		case "num_queues":
			c.NumQueues = uint16(p.uint(16))
		case "queue_size_max":
			c.QueueSizeMax = uint16(p.uint(16))
		case "features":
			c.Features = p.hex64()
		case "msix_vectors":
			c.MSIXVectors = p.int()
		case "disk":
			if p.null() {
				c.Disk = nil
				return
			}
			c.Disk = &Disk{}
			p.object(true, func(k string) {
				switch k {
				case "serial":
					c.Disk.Serial = p.string()
				case "capacity":
					c.Disk.Capacity = p.uint(64)
				}
			})
		case "net":
			c.Net = p.netConfig()
		}
	})
	return c
}

func (p *parser) event() *Event {
	if p.null() {
		return nil
	}
	e := &Event{}
	p.object(true, func(k string) {
		switch k {
		case "kind":
			e.Kind = p.string()
		case "timer":
			e.Timer = p.string()
		case "step":
			if p.null() {
				e.Step = nil
				return
			}
			s := p.step()
			e.Step = &s
		case "tlp":
			if p.null() {
				e.TLP = nil
				return
			}
			e.TLP = &TLP{}
			p.object(true, func(k string) {
				switch k {
				case "kind":
					e.TLP.Kind = p.string()
				case "requester":
					e.TLP.Requester = uint16(p.uint(16))
				case "completer":
					e.TLP.Completer = uint16(p.uint(16))
				case "addr":
					e.TLP.Addr = p.hex64()
				case "data":
					e.TLP.Data = p.hexBytes()
				case "len":
					e.TLP.Len = p.int()
				}
			})
		case "admin":
			if p.null() {
				e.Admin = nil
				return
			}
			e.Admin = &AdminRequest{}
			p.object(true, func(k string) {
				switch k {
				case "tag":
					e.Admin.Tag = p.uint(64)
				case "opcode":
					e.Admin.Opcode = uint16(p.uint(16))
				case "data":
					e.Admin.Data = p.hexBytes()
				case "result_cap":
					e.Admin.ResultCap = p.int()
				case "object_id":
					e.Admin.ObjectID = uint32(p.uint(32))
				}
			})
		}
	})
	return e
}
