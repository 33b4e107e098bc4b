package emv

import (
	"context"
)

// GPOStep runs GET PROCESSING OPTIONS for a selected application. It is the
// pluggable part of the read: an application that wants other terminal data
// or another command (a Mir Pay variant, say) gets its own step, and may
// hand every other application to StandardGPO.
type GPOStep interface {
	ProcessingOptions(ctx context.Context, x Exchanger, app Application) (Processing, error)
}

// Processing is what GET PROCESSING OPTIONS returned.
type Processing struct {
	AIP  []byte
	AFL  []AFLEntry
	Data []TLV // every object of a format 2 answer (PAN, track 2, PAR, ...)
}

// AFLEntry names records to read: SFI, first and last record numbers.
type AFLEntry struct {
	SFI, First, Last, OfflineAuth byte
}

// StandardGPO fills the application's PDOL from a Terminal and sends
// GPO (80 A8 00 00) with command template 83.
type StandardGPO struct {
	Terminal Terminal
}

// ProcessingOptions implements GPOStep.
func (g StandardGPO) ProcessingOptions(ctx context.Context, x Exchanger, app Application) (Processing, error) {
	data, err := g.Terminal.FillDOL(app.PDOL)
	if err != nil {
		return Processing{}, err
	}
	c := Command{Name: "GPO", CLA: 0x80, INS: 0xA8, Data: Encode(0x83, data)}
	r, err := call(ctx, x, c)
	if err != nil {
		return Processing{}, err
	}
	return ParseProcessing(r.Data)
}

// ParseProcessing decodes a GPO answer in format 1 (80: AIP then AFL) or
// format 2 (77: tagged objects). Some cards answer with a record template
// (70) holding track data; it is read like format 2.
func ParseProcessing(data []byte) (Processing, error) {
	objs, err := Parse(data)
	if err != nil {
		return Processing{}, err
	}
	if len(objs) == 0 {
		return Processing{}, malformed("empty GPO answer")
	}
	switch top := objs[0]; top.Tag {
	case TagGPOFormat1:
		if len(top.Value) < 2 {
			return Processing{}, malformed("GPO format 1 shorter than its AIP")
		}
		afl, err := parseAFL(top.Value[2:])
		return Processing{AIP: top.Value[:2], AFL: afl}, err
	case TagGPOFormat2, TagRecord: // 70: track data straight away (Interac Flash)
		return format2(top.Children)
	default:
		return Processing{}, malformed("GPO answer starts with tag %s, not 80, 77 or 70", top.Tag)
	}
}

func format2(objs []TLV) (Processing, error) {
	p := Processing{Data: objs}
	if aip, ok := Find(objs, TagAIP); ok {
		p.AIP = aip.Value
	}
	if afl, ok := Find(objs, TagAFL); ok {
		var err error
		if p.AFL, err = parseAFL(afl.Value); err != nil {
			return Processing{}, err
		}
	}
	return p, nil
}

func parseAFL(v []byte) ([]AFLEntry, error) {
	if len(v)%4 != 0 {
		return nil, malformed("AFL of %d bytes is not a multiple of 4", len(v))
	}
	out := make([]AFLEntry, 0, len(v)/4)
	for i := 0; i < len(v); i += 4 {
		e := AFLEntry{SFI: v[i] >> 3, First: v[i+1], Last: v[i+2], OfflineAuth: v[i+3]}
		if e.SFI < 1 || e.SFI > 30 || e.First < 1 || e.Last < e.First {
			return nil, malformed("AFL entry %X is invalid", v[i:i+4])
		}
		out = append(out, e)
	}
	return out, nil
}
