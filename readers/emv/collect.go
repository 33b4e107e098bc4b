package emv

import (
	"bytes"
	"fmt"
)

// collector gathers what the read is after from GPO and record data. It
// holds the only copy of the card number, and wipes it.
type collector struct {
	pan    pan
	source Tag
	expiry string // YYMM
	psn    string
	par    []byte
}

// add takes the interesting objects out of one answer.
func (c *collector) add(objs []TLV) error {
	if err := c.addPAN(objs); err != nil {
		return err
	}
	if v, ok := Find(objs, TagExpiry); ok {
		exp, err := expiryYYMM(v.Value)
		if err != nil {
			return err
		}
		c.expiry = exp
	}
	if v, ok := Find(objs, TagPSN); ok && len(v.Value) == 1 && isBCD(v.Value[0]) {
		c.psn = fmt.Sprintf("%02X", v.Value[0])
	}
	if v, ok := Find(objs, TagPAR); ok && meaningful(v.Value) {
		c.par = bytes.Clone(v.Value)
	}
	return nil
}

// addPAN takes the card number from 5A, else track 2 (57), else 9F6B.
func (c *collector) addPAN(objs []TLV) error {
	if v, ok := Find(objs, TagPAN); ok && c.source != TagPAN {
		p, err := panFromBCD(v.Value)
		if err != nil {
			return err
		}
		c.setPAN(p, TagPAN)
	}
	for _, tag := range []Tag{TagTrack2, TagTrack2MC} {
		v, ok := Find(objs, tag)
		if !ok || c.pan != nil && c.expiry != "" {
			continue
		}
		p, exp, err := track2(v.Value, tag)
		if err != nil {
			return err
		}
		if c.pan == nil {
			c.setPAN(p, tag)
		} else {
			p.wipe()
		}
		if c.expiry == "" {
			c.expiry = exp
		}
	}
	return nil
}

func (c *collector) setPAN(p pan, source Tag) {
	c.pan.wipe()
	c.pan, c.source = p, source
}

// complete: the read stops once it has the number and its expiry.
func (c *collector) complete() bool { return c.pan != nil && c.expiry != "" }

func (c *collector) wipe() {
	c.pan.wipe()
	for i := range c.par {
		c.par[i] = 0
	}
}

// expiryYYMM decodes 5F24 (YYMMDD, BCD) to YYMM.
func expiryYYMM(v []byte) (string, error) {
	if len(v) != 3 || !isBCD(v[0]) || !isBCD(v[1]) || !isBCD(v[2]) || v[1] < 0x01 || v[1] > 0x12 {
		return "", malformed("expiry date %X is not YYMMDD", v)
	}
	return fmt.Sprintf("%02X%02X", v[0], v[1]), nil
}

func isBCD(b byte) bool { return b>>4 <= 9 && b&0x0F <= 9 }

// meaningful: a PAR of zeros or spaces means the card has none.
func meaningful(v []byte) bool {
	for _, b := range v {
		if b != 0 && b != ' ' && b != '0' {
			return true
		}
	}
	return false
}
