-- Wireshark dissector for migsim trace records (docs/traces.md).
--
-- `migsim trace FILE --format pcapng --out run.pcapng` writes one record per
-- packet on an interface of link type LINKTYPE_USER0 (147). Load this file
-- with `wireshark -X lua_script:docs/migsim.lua run.pcapng`, or copy it to
-- your personal plugins folder. Display filters use the field names below,
-- e.g. `migsim.kind == 1 && migsim.tlp.kind == 4` (memory writes) or
-- `migsim.target == "vf1"`.
--
-- The field list is kept in sync with sim.RecordFields by a Go test
-- (sim/export_lua_test.go): every "migsim.<name>" here is a field of the
-- layout and every field of the layout is here.

local migsim = Proto("migsim", "migsim trace record")

local kinds = { [1] = "tlp", [2] = "step", [3] = "msix", [4] = "dma", [5] = "note", [6] = "admin" }
local tlp_kinds = { [1] = "CfgRd", [2] = "CfgWr", [3] = "MRd", [4] = "MWr", [5] = "MSI-X", [6] = "Cpl" }

local f = {
	version = ProtoField.uint8("migsim.version", "Version", base.DEC),
	kind = ProtoField.uint8("migsim.kind", "Kind", base.DEC, kinds),
	step = ProtoField.uint32("migsim.step", "Step", base.DEC),
	time = ProtoField.uint64("migsim.time", "Virtual time (ns)", base.DEC),
	host = ProtoField.string("migsim.host", "Host"),
	target = ProtoField.string("migsim.target", "Target"),
	who = ProtoField.string("migsim.who", "Who"),
	text = ProtoField.string("migsim.text", "Text"),
	tlp_kind = ProtoField.uint8("migsim.tlp.kind", "TLP kind", base.DEC, tlp_kinds),
	tlp_requester = ProtoField.uint16("migsim.tlp.requester", "Requester ID", base.HEX),
	tlp_completer = ProtoField.uint16("migsim.tlp.completer", "Completer ID", base.HEX),
	tlp_addr = ProtoField.uint64("migsim.tlp.addr", "Address", base.HEX),
	tlp_len = ProtoField.uint32("migsim.tlp.len", "Length", base.DEC),
	tlp_data = ProtoField.bytes("migsim.tlp.data", "Data"),
	msix_source = ProtoField.uint16("migsim.msix.source", "MSI-X source ID", base.HEX),
	msix_vector = ProtoField.uint16("migsim.msix.vector", "MSI-X vector", base.DEC),
	msix_addr = ProtoField.uint64("migsim.msix.addr", "MSI-X address", base.HEX),
	msix_data = ProtoField.uint32("migsim.msix.data", "MSI-X data", base.HEX),
	admin_command = ProtoField.bytes("migsim.admin.command", "Admin command"),
	admin_result = ProtoField.bytes("migsim.admin.result", "Admin result"),
}

migsim.fields = {
	f.version, f.kind, f.step, f.time, f.host, f.target, f.who, f.text,
	f.tlp_kind, f.tlp_requester, f.tlp_completer, f.tlp_addr, f.tlp_len, f.tlp_data,
	f.msix_source, f.msix_vector, f.msix_addr, f.msix_data,
	f.admin_command, f.admin_result,
}

-- rid renders a PCIe routing ID as bb:dd.f.
local function rid(v)
	return string.format("%02x:%02x.%d", math.floor(v / 256), math.floor(v / 8) % 32, v % 8)
end

function migsim.dissector(tvb, pinfo, tree)
	pinfo.cols.protocol = "MIGSIM"
	local root = tree:add(migsim, tvb(), "migsim trace record")
	local off = 0
	local len = tvb:len()

	-- need reports a truncated record and returns false when fewer than n
	-- bytes are left at off.
	local function need(n, what)
		if off + n > len then
			root:add_expert_info(PI_MALFORMED, PI_ERROR,
				string.format("truncated record: %s at byte offset %d needs %d bytes, %d left", what, off, n, len - off))
			return false
		end
		return true
	end
	local function uint(field, n, what)
		if not need(n, what) then return nil end
		local r = tvb(off, n)
		root:add_le(field, r)
		off = off + n
		return r:le_uint64():tonumber()
	end
	local function str8(field, what)
		if not need(1, what .. " length") then return nil end
		local n = tvb(off, 1):uint()
		if not need(1 + n, what) then return nil end
		local v = ""
		if n > 0 then v = tvb(off + 1, n):string() end
		root:add(field, tvb(off, 1 + n), v)
		off = off + 1 + n
		return v
	end
	-- bytes16 returns the payload's range, nil when it is empty, false when
	-- the record is truncated.
	local function bytes16(field, what)
		if not need(2, what .. " length") then return false end
		local n = tvb(off, 2):le_uint()
		if not need(2 + n, what) then return false end
		if n > 0 then
			root:add(field, tvb(off + 2, n))
		else
			root:add(field, tvb(off, 2), ByteArray.new(""))
		end
		local r = n > 0 and tvb(off + 2, n) or nil
		off = off + 2 + n
		return r
	end

	local version = uint(f.version, 1, "version")
	if version == nil then return end
	if version ~= 1 then
		root:add_expert_info(PI_UNDECODED, PI_WARN, string.format("unknown record version %d", version))
		return
	end
	local kind = uint(f.kind, 1, "kind")
	if kind == nil then return end
	local step = uint(f.step, 4, "step")
	if step == nil then return end
	if uint(f.time, 8, "time") == nil then return end
	local host = str8(f.host, "host")
	if host == nil then return end
	local target = str8(f.target, "target")
	if target == nil then return end
	local who = str8(f.who, "who")
	if who == nil then return end
	local textr = nil
	if not need(2, "text length") then return end
	do
		local n = tvb(off, 2):le_uint()
		if not need(2 + n, "text") then return end
		local v = ""
		if n > 0 then v = tvb(off + 2, n):string(ENC_UTF_8) end
		root:add(f.text, tvb(off, 2 + n), v)
		textr = v
		off = off + 2 + n
	end

	local fn = host
	if target ~= "" then fn = host .. "." .. target end
	local info = string.format("[%d] %s %s -> %s", step, kinds[kind] or ("kind " .. kind), who, fn)

	if kind == 1 then
		local k = uint(f.tlp_kind, 1, "tlp.kind")
		if k == nil then return end
		local req = uint(f.tlp_requester, 2, "tlp.requester")
		if req == nil then return end
		local cpl = uint(f.tlp_completer, 2, "tlp.completer")
		if cpl == nil then return end
		local addr = uint(f.tlp_addr, 8, "tlp.addr")
		if addr == nil then return end
		local n = uint(f.tlp_len, 4, "tlp.len")
		if n == nil then return end
		local data = bytes16(f.tlp_data, "tlp.data")
		if data == false then return end
		info = info .. string.format(": %s %s->%s addr=0x%x", tlp_kinds[k] or ("TLP " .. k), rid(req), rid(cpl), addr)
		if k == 1 or k == 3 then
			info = info .. string.format(" len=%d", n)
		elseif data then
			info = info .. " data=" .. tostring(data:bytes())
		end
	elseif kind == 3 then
		local src = uint(f.msix_source, 2, "msix.source")
		if src == nil then return end
		local vec = uint(f.msix_vector, 2, "msix.vector")
		if vec == nil then return end
		if uint(f.msix_addr, 8, "msix.addr") == nil then return end
		if uint(f.msix_data, 4, "msix.data") == nil then return end
		info = info .. string.format(": MSI-X %s vector=%d", rid(src), vec)
	elseif kind == 6 then
		if bytes16(f.admin_command, "admin.command") == false then return end
		if bytes16(f.admin_result, "admin.result") == false then return end
		info = info .. ": admin command"
	end
	if textr ~= nil and textr ~= "" then
		info = info .. " " .. textr
	end
	if off < len then
		root:add_expert_info(PI_MALFORMED, PI_WARN, string.format("%d trailing bytes at byte offset %d", len - off, off))
	end
	pinfo.cols.info = info
end

-- LINKTYPE_USER0 (147) is wtap encapsulation USER0. Wireshark 3.x+ names
-- the table wtap_encaps; older releases name it wtap.
local encap = (wtap_encaps and wtap_encaps.USER0) or (wtap and wtap.USER0)
DissectorTable.get("wtap_encap"):add(encap, migsim)
