package pn532

import "fmt"

// PN532 command codes (UM0701-02 §7). The answer's code is the command's
// plus one.
const (
	CmdDiagnose            = 0x00
	CmdGetFirmwareVersion  = 0x02
	CmdSAMConfiguration    = 0x14
	CmdRFConfiguration     = 0x32
	CmdInDataExchange      = 0x40
	CmdInDeselect          = 0x44
	CmdInListPassiveTarget = 0x4A
	CmdInRelease           = 0x52
)

// Bits of the InDataExchange status byte, besides the error code.
const (
	StatusMI  = 0x40 // more information: the rest of the answer follows
	StatusNAD = 0x80 // a NAD byte is present
)

// Command parameters the driver uses.
const (
	samNormal          = 0x01 // SAMConfiguration Mode: normal, no SAM
	samTimeout         = 0x14 // 1 s, used in virtual card mode only
	samUseIRQ          = 0x01
	rfMaxRetries       = 0x05 // RFConfiguration CfgItem: MaxRetries
	brTy106A           = 0x00 // InListPassiveTarget BrTy: 106 kbps type A
	diagAttention      = 0x06 // Diagnose NumTst: attention request / card presence
	icPN532            = 0x32 // GetFirmwareVersion IC
	maxDataOut         = MaxLen - 3
	wakeUpPreambleSize = 16
)

// MaxAPDU is the longest command APDU InDataExchange carries in one frame.
const MaxAPDU = maxDataOut

// maxResponse bounds an answer put together from MI chaining: an extended
// length APDU response and its status word.
const maxResponse = 65536 + 2

var commandNames = map[byte]string{
	CmdDiagnose:            "Diagnose",
	CmdGetFirmwareVersion:  "GetFirmwareVersion",
	CmdSAMConfiguration:    "SAMConfiguration",
	CmdRFConfiguration:     "RFConfiguration",
	CmdInDataExchange:      "InDataExchange",
	CmdInDeselect:          "InDeselect",
	CmdInListPassiveTarget: "InListPassiveTarget",
	CmdInRelease:           "InRelease",
}

func commandName(code byte) string {
	if n, ok := commandNames[code]; ok {
		return n
	}
	return fmt.Sprintf("command %02X", code)
}

// wakeUp is the HSU wake-up: 55 55 and a long preamble of zeros, sent before
// the first command after power-on or sleep (UM0701-02 §6.2.2, HSU wake-up).
func wakeUp() []byte {
	b := make([]byte, wakeUpPreambleSize)
	b[0], b[1] = 0x55, 0x55
	return b
}

// Firmware is the answer to GetFirmwareVersion.
type Firmware struct {
	IC       byte // 0x32 for a PN532
	Ver, Rev byte
	Support  byte // bit 0 ISO 14443 A, bit 1 ISO 14443 B, bit 2 ISO 18092
}

func (f Firmware) String() string {
	return fmt.Sprintf("PN5%02X v%d.%d (support %02X)", f.IC, f.Ver, f.Rev, f.Support)
}

func parseFirmware(data []byte) (Firmware, error) {
	if len(data) != 4 {
		return Firmware{}, fmt.Errorf("%w: GetFirmwareVersion answer of %d bytes, want 4", ErrMalformed, len(data))
	}
	f := Firmware{IC: data[0], Ver: data[1], Rev: data[2], Support: data[3]}
	if f.IC != icPN532 {
		return f, fmt.Errorf("pn532: the device is a PN5%02X, not a PN532", f.IC)
	}
	return f, nil
}
