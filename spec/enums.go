package spec

// Ordered lists of every defined value of the package's enums, for printing
// tables (migsim spec) and for tests that walk an enum. Each function returns
// a fresh slice in value order; callers may modify it.

// GroupTypes lists the defined admin group types.
func GroupTypes() []GroupType { return []GroupType{GroupSelf, GroupSRIOV} }

// Statuses lists the defined admin status codes, EEXIST included (the Linux
// errno the spec's status table omits).
func Statuses() []Status {
	return []Status{StatusOK, StatusENXIO, StatusEAGAIN, StatusENOMEM, StatusEBUSY,
		StatusEEXIST, StatusEINVAL, StatusENOSPC}
}

// Qualifiers lists the defined admin status qualifiers.
func Qualifiers() []Qualifier {
	return []Qualifier{QOK, QInvalidCommand, QInvalidOpcode, QInvalidField,
		QInvalidGroup, QInvalidMember, QNoResource, QTryAgain}
}

// MetadataTypes lists the DEV_PARTS_METADATA_GET types.
func MetadataTypes() []MetadataType {
	return []MetadataType{MetadataSize, MetadataCount, MetadataList}
}

// PartsGetTypes lists the DEV_PARTS_GET types.
func PartsGetTypes() []PartsGetType { return []PartsGetType{PartsGetSelected, PartsGetAll} }

// PartTypes lists the device part types migsim knows, in the required
// GET/SET order (device-type parts last).
func PartTypes() []PartType {
	return []PartType{PartDevFeatures, PartDrvFeatures, PartPCICommonCfg,
		PartDeviceStatus, PartVQCfg, PartVQNotifyCfg, PartNetCVQCfg}
}

// FieldTypes lists the named draft-2023 context field types
// (simulator-assigned); the device-type range 0x1000..0x1fff is not listed.
func FieldTypes() []FieldType {
	return []FieldType{FieldPCICommonCfg, FieldPCICommonRuntimeCfg, FieldDevFeatures,
		FieldDrvFeatures, FieldDeviceStatus, FieldPCIVQCfg, FieldVQSplitRuntimeCfg,
		FieldVQSplitDevOwnDesc, FieldDevCfg, FieldPendingEvents}
}

// DeviceStatusBits lists the defined device_status bits, lowest first.
func DeviceStatusBits() []DeviceStatus {
	return []DeviceStatus{StatusAcknowledge, StatusDriver, StatusDriverOK,
		StatusFeaturesOK, StatusSuspend, StatusDeviceNeedsReset, StatusFailed}
}

// VirtioPCICapTypes lists the defined virtio PCI vendor capability types.
func VirtioPCICapTypes() []VirtioPCICapType {
	return []VirtioPCICapType{VirtioPCICapCommonCfg, VirtioPCICapNotifyCfg,
		VirtioPCICapISRCfg, VirtioPCICapDeviceCfg, VirtioPCICapPCICfg,
		VirtioPCICapSharedMem, VirtioPCICapVendor}
}

// ModelFeatures lists the feature bits the model uses, lowest first.
func ModelFeatures() []Feature {
	return []Feature{FeatureBlkSizeMax, FeatureBlkSegMax, FeatureBlkBlkSize,
		FeatureBlkFlush, FeatureBlkConfigWCE, FeatureVersion1, FeatureSRIOV,
		FeatureNotifConfigData, FeatureRingReset, FeatureAdminVQ, FeatureSuspend}
}
