package spec

// netSource names a section of the network device chapter of the virtio
// spec (device-types/net/description.tex).
func netSource(section string) string {
	return "virtio spec device-types/net/description.tex (Network Device: " + section + ")"
}

// netRequirements are the normative statements of the network device that
// migsim's virtio-net member and driver follow: NET-DEV-* bind the device,
// NET-DRV-* the driver, NET-PART-* describe the VIRTIO_NET_DEV_PART_CVQ_CFG_PART
// device parts (virtio-1.4 only). The device and driver statements hold in
// both editions: the network device does not change with the migration
// mechanism.
var netRequirements = []Requirement{
	req("NET-DEV-01", bothEditions, LevelMust, SideDevice, "max_virtqueue_pairs is between 1 and 0x8000 when MQ is offered; mtu is between 68 and 65535 when MTU is offered, and never changes once set", netSource("Device configuration layout")),
	req("NET-DEV-02", bothEditions, LevelMust, SideDevice, "with MTU negotiated, received packets longer than mtu plus the Ethernet header are not passed to the driver, and transmitted ones up to that length are forwarded unfragmented", netSource("Device configuration layout")),
	req("NET-DEV-03", bothEditions, LevelMust, SideDevice, "the status field (with STATUS) reports the link in bit 0 (VIRTIO_NET_S_LINK_UP) and an announce request in bit 1 (VIRTIO_NET_S_ANNOUNCE)", netSource("Device configuration layout")),
	req("NET-DEV-04", bothEditions, LevelMust, SideDevice, "num_buffers is the number of buffers holding a received packet; without MRG_RXBUF the packet fits in one descriptor chain", netSource("Setting Up Receive Buffers")),
	req("NET-DEV-05", bothEditions, LevelMust, SideDevice, "with CTRL_RX support RX_PROMISC and RX_ALLMULTI, with CTRL_RX_EXTRA RX_ALLUNI, RX_NOMULTI, RX_NOUNI and RX_NOBCAST; each takes one byte, 0 off and 1 on", netSource("Packet Receive Filtering")),
	req("NET-DEV-06", bothEditions, LevelMust, SideDevice, "the MAC filtering table is empty on reset and updated before MAC_TABLE_SET is used; with MAC negotiated, mac in the configuration is updated before MAC_ADDR_SET is used", netSource("Setting MAC Address Filtering")),
	req("NET-DEV-07", bothEditions, LevelShould, SideDevice, "drop incoming packets whose destination matches neither mac (or the one set by MAC_ADDR_SET) nor the MAC filtering table", netSource("Setting MAC Address Filtering")),
	req("NET-DEV-08", bothEditions, LevelMust, SideDevice, "without CTRL_VLAN accept every VLAN-tagged packet; with it start from an empty VLAN table and accept tagged packets whose VLAN is in it (SHOULD drop the others)", netSource("VLAN Filtering")),
	req("NET-DEV-09", bothEditions, LevelMust, SideDevice, "with GUEST_ANNOUNCE, clear VIRTIO_NET_S_ANNOUNCE on receipt of ANNOUNCE_ACK, before marking its buffer used", netSource("Gratuitous Packet Sending")),
	req("NET-DEV-10", bothEditions, LevelMust, SideDevice, "after reset queue received packets only on receiveq1; once MQ_VQ_PAIRS_SET is in a used buffer, queue none on receive queues beyond virtqueue_pairs", netSource("Automatic receive steering in multiqueue mode")),
	req("NET-DRV-01", bothEditions, LevelMust, SideDriver, "accept CTRL_RX, CTRL_VLAN, GUEST_ANNOUNCE, MQ or CTRL_MAC_ADDR only together with CTRL_VQ", netSource("Feature bit requirements")),
	req("NET-DRV-02", bothEditions, LevelMust, SideDriver, "request virtqueue_pairs between 1 and max_virtqueue_pairs; transmit only on transmitq1 before MQ_VQ_PAIRS_SET and on none beyond virtqueue_pairs once it is posted", netSource("Automatic receive steering in multiqueue mode")),
	req("NET-DRV-03", bothEditions, LevelMust, SideDriver, "with GUEST_ANNOUNCE, send ANNOUNCE_ACK after seeing VIRTIO_NET_S_ANNOUNCE (and SHOULD notify peers of the new location)", netSource("Gratuitous Packet Sending")),
	req("NET-DRV-04", bothEditions, LevelShould, SideDriver, "without STATUS assume the link is up; with it read the link state from bit 0 of status", netSource("Device configuration layout")),
	req("NET-PART-01", onlyVirtio14, LevelMust, SideDevice, "a VIRTIO_NET_DEV_PART_CVQ_CFG_PART (0x200) exists per individual control-queue configuration, identified by a unique selector {u8 class; u8 command; u8 reserved[6]} whose reserved bytes are zero", netSource("Device parts")),
	req("NET-PART-02", onlyVirtio14, LevelMust, SideDevice, "a CVQ part's value has the layout of its command's command-specific-data; the VLAN_ADD part holds the whole VLAN table", netSource("Device parts")),
	req("NET-PART-03", onlyVirtio14, LevelMust, SideDevice, "the CVQ part selectors are RX PROMISC, ALLMULTI, ALLUNI, NOMULTI, NOUNI, NOBCAST; MAC TABLE_SET, ADDR_SET; VLAN ADD; ANNOUNCE ACK; MQ VQ_PAIRS_SET, RSS_CONFIG, HASH_CONFIG", netSource("Device parts")),
}

func init() { catalog = append(catalog, netRequirements...) }
