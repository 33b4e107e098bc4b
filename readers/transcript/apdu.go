package transcript

import "bytes"

// Instruction bytes the matching rules single out.
const (
	insSelect      = 0xA4
	insGPO         = 0xA8 // GET PROCESSING OPTIONS, with CLA 80
	insGenerateAC  = 0xAE // with CLA 80
	insGetResponse = 0xC0
	claProprietary = 0x80
)

// Answers for a command no exchange matches.
var (
	swFileNotFound = []byte{0x6A, 0x82}
	swINSUnknown   = []byte{0x6D, 0x00}
)

// apdu is a short command APDU split into header and data; Le is dropped.
type apdu struct {
	cla, ins, p1, p2 byte
	data             []byte
}

// parseAPDU splits a short APDU (ISO 7816-4 cases 1 to 4). It reports false
// for anything else: too short, extended length, Lc disagreeing with the size.
func parseAPDU(b []byte) (apdu, bool) {
	if len(b) < 4 {
		return apdu{}, false
	}
	a := apdu{cla: b[0], ins: b[1], p1: b[2], p2: b[3]}
	if len(b) <= 5 { // case 1: header only; case 2: header and Le
		return a, true
	}
	lc := int(b[4])
	if lc == 0 || len(b) != 5+lc && len(b) != 5+lc+1 { // not case 3 or 4
		return apdu{}, false
	}
	a.data = b[5 : 5+lc]
	return a, true
}

// matches reports whether a recorded exchange answers command.
func (e *Exchange) matches(command []byte) bool {
	if e.Any {
		return true
	}
	rec, ok1 := parseAPDU(e.Command)
	cmd, ok2 := parseAPDU(command)
	if !ok1 || !ok2 {
		return bytes.Equal(e.Command, command)
	}
	return rec.ins == cmd.ins && ruleFor(cmd)(rec, cmd)
}

// ruleFor picks how a recorded command must resemble cmd; the INS is already
// known to be the same.
func ruleFor(cmd apdu) func(rec, cmd apdu) bool {
	switch {
	case cmd.ins == insSelect:
		return sameSelection
	case cmd.cla == claProprietary && (cmd.ins == insGPO || cmd.ins == insGenerateAC):
		return sameHeader
	case cmd.ins == insGetResponse:
		return func(apdu, apdu) bool { return true }
	}
	return sameHeaderAndData
}

func sameHeader(rec, cmd apdu) bool {
	return rec.cla == cmd.cla && rec.p1 == cmd.p1 && rec.p2 == cmd.p2
}

func sameHeaderAndData(rec, cmd apdu) bool {
	return sameHeader(rec, cmd) && bytes.Equal(rec.data, cmd.data)
}

// sameSelection: same P1 P2, and one name a prefix of the other.
func sameSelection(rec, cmd apdu) bool {
	return rec.p1 == cmd.p1 && rec.p2 == cmd.p2 &&
		(bytes.HasPrefix(rec.data, cmd.data) || bytes.HasPrefix(cmd.data, rec.data))
}

// unmatched is the answer to a command no exchange matches.
func unmatched(command []byte) []byte {
	if len(command) >= 2 && command[1] == insSelect {
		return bytes.Clone(swFileNotFound)
	}
	return bytes.Clone(swINSUnknown)
}
