package emv

// The EMV tags the read flow looks at (EMV Book 3, Annex A).
const (
	TagAID           Tag = 0x4F   // application identifier (in directories)
	TagLabel         Tag = 0x50   // application label
	TagTrack2        Tag = 0x57   // track 2 equivalent data
	TagPAN           Tag = 0x5A   // application primary account number
	TagFCI           Tag = 0x6F   // file control information template
	TagRecord        Tag = 0x70   // READ RECORD response template
	TagGPOFormat2    Tag = 0x77   // response message template format 2
	TagGPOFormat1    Tag = 0x80   // response message template format 1
	TagAIP           Tag = 0x82   // application interchange profile
	TagDFName        Tag = 0x84   // dedicated file (application) name
	TagPriority      Tag = 0x87   // application priority indicator
	TagSFI           Tag = 0x88   // short file identifier of a PSE directory
	TagAFL           Tag = 0x94   // application file locator
	TagFCIProp       Tag = 0xA5   // FCI proprietary template
	TagDirEntry      Tag = 0x61   // application template (directory entry)
	TagExpiry        Tag = 0x5F24 // application expiration date YYMMDD
	TagPSN           Tag = 0x5F34 // PAN sequence number
	TagPAR           Tag = 0x9F24 // payment account reference
	TagPDOL          Tag = 0x9F38 // processing options data object list
	TagTrack2MC      Tag = 0x9F6B // track 2 data (Mastercard contactless)
	TagFCIIssuerDisc Tag = 0xBF0C // FCI issuer discretionary data
)
