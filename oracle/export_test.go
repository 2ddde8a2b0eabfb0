package oracle

// DraftSizeMismatch is draftSizeMismatch, for the tests of package oracle_test.
var DraftSizeMismatch = draftSizeMismatch

// VFListForTest is vfList, for the tests of package oracle_test.
var VFListForTest = vfList
