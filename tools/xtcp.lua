-- SPDX-License-Identifier: GPL-2.0
--
-- Wireshark/tshark dissector for XTCP: IP protocol 253 (IPv4 and IPv6),
-- whose segment is RFC 9293's TCP header byte for byte (module/wire.h),
-- with the options XTCP speaks (EOL, NOP, MSS, window scale) and any other
-- shown as kind/length/data.  The checksum is verified over the pseudo-
-- header with protocol 253 (RFC 9293 §3.1, RFC 8200 §8.1).
--
--   tshark -X lua_script:tools/xtcp.lua -r capture.pcap -V
--   wireshark -X lua_script:tools/xtcp.lua
--
-- or copy it to ~/.local/lib/wireshark/plugins/ (make install puts it in
-- /usr/share/xtcp/).  Set XTCP_IPPROTO to decode another protocol number
-- (the module's ipproto= parameter).

local ipproto = tonumber(os.getenv("XTCP_IPPROTO") or "") or 253

local xtcp = Proto("xtcp", "XTCP, reliable byte stream over IP protocol " .. ipproto)

local flag_names = { [0x80] = "CWR", [0x40] = "ECE", [0x20] = "URG",
	[0x10] = "ACK", [0x08] = "PSH", [0x04] = "RST", [0x02] = "SYN",
	[0x01] = "FIN" }
local flag_order = { 0x02, 0x01, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80 }
local opt_names = { [0] = "End of Option List", [1] = "No-Operation",
	[2] = "Maximum segment size", [3] = "Window scale", [8] = "Timestamps" }

local f = xtcp.fields
f.srcport = ProtoField.uint16("xtcp.srcport", "Source Port", base.DEC)
f.dstport = ProtoField.uint16("xtcp.dstport", "Destination Port", base.DEC)
f.port = ProtoField.uint16("xtcp.port", "Source or Destination Port", base.DEC)
f.seq = ProtoField.uint32("xtcp.seq", "Sequence Number", base.DEC)
f.ack = ProtoField.uint32("xtcp.ack", "Acknowledgment Number", base.DEC)
f.hdr_len = ProtoField.uint8("xtcp.hdr_len", "Header Length", base.DEC, nil, 0xf0,
	"data offset, in 32-bit words (shown in bytes)")
f.flags = ProtoField.uint16("xtcp.flags", "Flags", base.HEX, nil, 0x0fff)
f.flags_res = ProtoField.uint16("xtcp.flags.res", "Reserved", base.DEC, nil, 0x0f00)
f.flags_cwr = ProtoField.bool("xtcp.flags.cwr", "Congestion Window Reduced (CWR)", 16, nil, 0x0080)
f.flags_ece = ProtoField.bool("xtcp.flags.ece", "ECN-Echo (ECE)", 16, nil, 0x0040)
f.flags_urg = ProtoField.bool("xtcp.flags.urg", "Urgent (URG)", 16, nil, 0x0020)
f.flags_ack = ProtoField.bool("xtcp.flags.ack", "Acknowledgment (ACK)", 16, nil, 0x0010)
f.flags_psh = ProtoField.bool("xtcp.flags.push", "Push (PSH)", 16, nil, 0x0008)
f.flags_rst = ProtoField.bool("xtcp.flags.reset", "Reset (RST)", 16, nil, 0x0004)
f.flags_syn = ProtoField.bool("xtcp.flags.syn", "Syn (SYN)", 16, nil, 0x0002)
f.flags_fin = ProtoField.bool("xtcp.flags.fin", "Fin (FIN)", 16, nil, 0x0001)
f.window = ProtoField.uint16("xtcp.window_size_value", "Window", base.DEC)
f.checksum = ProtoField.uint16("xtcp.checksum", "Checksum", base.HEX)
f.checksum_status = ProtoField.string("xtcp.checksum.status", "Checksum Status")
f.checksum_calc = ProtoField.uint16("xtcp.checksum_calculated", "Calculated Checksum", base.HEX)
f.urgent = ProtoField.uint16("xtcp.urgent_pointer", "Urgent Pointer", base.DEC)
f.options = ProtoField.bytes("xtcp.options", "Options")
f.opt_kind = ProtoField.uint8("xtcp.option_kind", "Kind", base.DEC, opt_names)
f.opt_len = ProtoField.uint8("xtcp.option_len", "Length", base.DEC)
f.opt_mss = ProtoField.uint16("xtcp.options.mss_val", "MSS Value", base.DEC)
f.opt_wscale = ProtoField.uint8("xtcp.options.wscale.shift", "Shift Count", base.DEC)
f.opt_wmult = ProtoField.uint16("xtcp.options.wscale.multiplier", "Multiplier", base.DEC)
f.opt_tsval = ProtoField.uint32("xtcp.options.timestamp.tsval", "Timestamp value", base.DEC)
f.opt_tsecr = ProtoField.uint32("xtcp.options.timestamp.tsecr", "Timestamp echo reply", base.DEC)
f.opt_data = ProtoField.bytes("xtcp.option_data", "Data")
f.len = ProtoField.uint32("xtcp.len", "Segment Length", base.DEC)
f.payload = ProtoField.bytes("xtcp.payload", "Payload")

local ef_bad_csum = ProtoExpert.new("xtcp.checksum_bad.expert", "Bad checksum",
	expert.group.CHECKSUM, expert.severity.ERROR)
local ef_bad_hlen = ProtoExpert.new("xtcp.hdr_len.bad", "Bad header length",
	expert.group.MALFORMED, expert.severity.ERROR)
local ef_bad_opt = ProtoExpert.new("xtcp.option.bad", "Option runs past the header or has a bad length",
	expert.group.MALFORMED, expert.severity.WARN)
xtcp.experts = { ef_bad_csum, ef_bad_hlen, ef_bad_opt }

local ip_src = Field.new("ip.src")
local ip_dst = Field.new("ip.dst")
local ip6_src = Field.new("ipv6.src")
local ip6_dst = Field.new("ipv6.dst")

local function last(field)
	local all = { field() }
	return all[#all]
end

-- The one's complement sum of @bytes (a ByteArray), 16 bits at a time.
local function sum16(bytes, sum)
	local n = bytes:len()
	for i = 0, n - 2, 2 do
		sum = sum + bytes:get_index(i) * 256 + bytes:get_index(i + 1)
	end
	if n % 2 == 1 then
		sum = sum + bytes:get_index(n - 1) * 256
	end
	return sum
end

local function fold(sum)
	while sum > 0xffff do
		sum = (sum % 0x10000) + math.floor(sum / 0x10000)
	end
	return sum
end

-- The checksum the segment should carry, or nil if the capture cut it
-- short or the IP header is not at hand.  The IP header dissected last is
-- this segment's (the innermost).
local function checksum(tvb, pinfo)
	local len = tvb:reported_len()
	if tvb:len() < len then
		return nil
	end
	local seg = tvb:bytes(0, len)
	local src, dst, sum
	local v4, v6 = last(ip_src), last(ip6_src)
	-- both in a tunnel: the inner one lies further into the frame
	if v4 and v6 and v6.offset > v4.offset then
		v4 = nil
	end
	if v4 then
		src, dst = v4.range:bytes(), last(ip_dst).range:bytes()
	elseif v6 then
		src, dst = v6.range:bytes(), last(ip6_dst).range:bytes()
	else
		return nil
	end
	sum = sum16(src, 0)
	sum = sum16(dst, sum)
	if src:len() == 16 then
		-- RFC 8200 §8.1: length (32 bits), three zero bytes, next header
		sum = sum + math.floor(len / 0x10000) + (len % 0x10000) + ipproto
	else
		sum = sum + ipproto + len
	end
	-- the checksum field itself counts as zero
	seg:set_index(16, 0)
	seg:set_index(17, 0)
	sum = fold(sum16(seg, sum))
	local c = 0xffff - sum
	return c
end

local function options(tvb, tree, pinfo, hlen, info)
	local off = 20
	local otree = tree:add(f.options, tvb(20, hlen - 20))
	otree:set_text(string.format("Options: (%d bytes)", hlen - 20))
	while off < hlen do
		local kind = tvb(off, 1):uint()
		if kind == 0 then
			local t = otree:add(tvb(off, hlen - off), "End of Option List (EOL)")
			t:add(f.opt_kind, tvb(off, 1))
			break
		elseif kind == 1 then
			local t = otree:add(tvb(off, 1), "No-Operation (NOP)")
			t:add(f.opt_kind, tvb(off, 1))
			off = off + 1
		else
			if off + 1 >= hlen then
				otree:add_proto_expert_info(ef_bad_opt)
				break
			end
			local olen = tvb(off + 1, 1):uint()
			if olen < 2 or off + olen > hlen then
				local t = otree:add(tvb(off, hlen - off),
					string.format("Option kind %d, bad length %d", kind, olen))
				t:add(f.opt_kind, tvb(off, 1))
				t:add(f.opt_len, tvb(off + 1, 1))
				t:add_proto_expert_info(ef_bad_opt)
				break
			end
			local r = tvb(off, olen)
			if kind == 2 and olen == 4 then
				local mss = tvb(off + 2, 2):uint()
				local t = otree:add(r, "Maximum segment size: " .. mss .. " bytes")
				t:add(f.opt_kind, tvb(off, 1))
				t:add(f.opt_len, tvb(off + 1, 1))
				t:add(f.opt_mss, tvb(off + 2, 2))
				info[#info + 1] = "MSS=" .. mss
			elseif kind == 3 and olen == 3 then
				local shift = tvb(off + 2, 1):uint()
				local mult = 2 ^ math.min(shift, 14)
				local t = otree:add(r, string.format("Window scale: %d (multiply by %d)", shift, mult))
				t:add(f.opt_kind, tvb(off, 1))
				t:add(f.opt_len, tvb(off + 1, 1))
				t:add(f.opt_wscale, tvb(off + 2, 1))
				t:add(f.opt_wmult, tvb(off + 2, 1), mult)
				info[#info + 1] = "WS=" .. mult
			elseif kind == 8 and olen == 10 then
				-- RFC 7323 section 3
				local tsval, tsecr = tvb(off + 2, 4):uint(), tvb(off + 6, 4):uint()
				local t = otree:add(r, string.format("Timestamps: TSval %u, TSecr %u", tsval, tsecr))
				t:add(f.opt_kind, tvb(off, 1))
				t:add(f.opt_len, tvb(off + 1, 1))
				t:add(f.opt_tsval, tvb(off + 2, 4))
				t:add(f.opt_tsecr, tvb(off + 6, 4))
				info[#info + 1] = "TSval=" .. tsval
				info[#info + 1] = "TSecr=" .. tsecr
			else
				local t = otree:add(r, string.format("%s (kind %d), length %d",
					opt_names[kind] or "Unknown option", kind, olen))
				t:add(f.opt_kind, tvb(off, 1))
				t:add(f.opt_len, tvb(off + 1, 1))
				if kind == 2 or kind == 3 or kind == 8 then
					t:add_proto_expert_info(ef_bad_opt)
				end
				if olen > 2 then
					t:add(f.opt_data, tvb(off + 2, olen - 2))
				end
			end
			off = off + olen
		end
	end
end

function xtcp.dissector(tvb, pinfo, tree)
	if tvb:len() < 20 then
		return 0
	end
	pinfo.cols.protocol = "XTCP"
	local sport, dport = tvb(0, 2):uint(), tvb(2, 2):uint()
	local hlen = math.floor(tvb(12, 1):uint() / 16) * 4
	local flags = tvb(12, 2):uint() % 0x1000
	local len = tvb:reported_len() - hlen
	local t = tree:add(xtcp, tvb(0, math.min(math.max(hlen, 20), tvb:len())))

	t:add(f.srcport, tvb(0, 2))
	t:add(f.dstport, tvb(2, 2))
	t:add(f.port, tvb(0, 2)):set_hidden()
	t:add(f.port, tvb(2, 2)):set_hidden()
	t:add(f.seq, tvb(4, 4))
	if flags % 0x20 >= 0x10 then
		t:add(f.ack, tvb(8, 4))
	else
		t:add(f.ack, tvb(8, 4)):append_text(" (ACK not set)")
	end
	local ht = t:add(f.hdr_len, tvb(12, 1))
	ht:set_text(string.format("%s Header Length: %d bytes (%d)",
		string.format("%d%d%d%d .... =", math.floor(hlen / 32) % 2,
			math.floor(hlen / 16) % 2, math.floor(hlen / 8) % 2,
			math.floor(hlen / 4) % 2), hlen, hlen / 4))
	local names = {}
	for _, bit in ipairs(flag_order) do
		if math.floor(flags / bit) % 2 == 1 then
			names[#names + 1] = flag_names[bit]
		end
	end
	local fl = t:add(f.flags, tvb(12, 2))
	fl:append_text(" (" .. table.concat(names, ", ") .. ")")
	fl:add(f.flags_res, tvb(12, 2))
	fl:add(f.flags_cwr, tvb(12, 2))
	fl:add(f.flags_ece, tvb(12, 2))
	fl:add(f.flags_urg, tvb(12, 2))
	fl:add(f.flags_ack, tvb(12, 2))
	fl:add(f.flags_psh, tvb(12, 2))
	fl:add(f.flags_rst, tvb(12, 2))
	fl:add(f.flags_syn, tvb(12, 2))
	fl:add(f.flags_fin, tvb(12, 2))
	t:add(f.window, tvb(14, 2))

	local csum = tvb(16, 2):uint()
	local ct = t:add(f.checksum, tvb(16, 2))
	local want = checksum(tvb, pinfo)
	if want == nil then
		ct:append_text(" [unverified]")
		ct:add(f.checksum_status, "Unverified")
	elseif want == csum then
		ct:append_text(" [correct] (checksum good)")
		ct:add(f.checksum_status, "Good")
	else
		ct:append_text(string.format(" [incorrect, should be 0x%04x] (checksum bad)", want))
		ct:add(f.checksum_status, "Bad")
		ct:add(f.checksum_calc, want)
		ct:add_proto_expert_info(ef_bad_csum)
	end
	t:add(f.urgent, tvb(18, 2))

	local info = {}
	if hlen < 20 or hlen > tvb:reported_len() then
		ht:add_proto_expert_info(ef_bad_hlen)
		pinfo.cols.info = string.format("%d → %d [bad header length %d]", sport, dport, hlen)
		return tvb:len()
	end
	if hlen > 20 and hlen <= tvb:len() then
		options(tvb, t, pinfo, hlen, info)
	end
	t:add(f.len, len):set_generated()
	t:append_text(string.format(", Src Port: %d, Dst Port: %d, Seq: %d", sport, dport, tvb(4, 4):uint()))
	if flags % 0x20 >= 0x10 then
		t:append_text(", Ack: " .. tvb(8, 4):uint())
	end
	t:append_text(", Len: " .. len)
	pinfo.cols.info = string.format("%d → %d [%s] Seq=%d%s Win=%d Len=%d%s",
		sport, dport, table.concat(names, ", "), tvb(4, 4):uint(),
		flags % 0x20 >= 0x10 and (" Ack=" .. tvb(8, 4):uint()) or "",
		tvb(14, 2):uint(), len,
		#info > 0 and (" " .. table.concat(info, " ")) or "")
	pinfo.src_port = sport
	pinfo.dst_port = dport
	if len > 0 and hlen < tvb:len() then
		local data = tvb(hlen)
		t:add(f.payload, data)
		Dissector.get("data"):call(data:tvb(), pinfo, tree)
	end
	return tvb:len()
end

DissectorTable.get("ip.proto"):add(ipproto, xtcp)
