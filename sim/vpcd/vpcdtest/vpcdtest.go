// Package vpcdtest is a fake vpcd: the reader side of the vpcd protocol, so
// that a virtual card can be tested without pcscd. A test listens, lets the
// card connect, then plays pcscd: asks for the ATR, powers the card and
// sends APDUs.
//
// Every exchange gives up after Timeout, so a card that never answers fails
// the test instead of hanging it.
package vpcdtest

import (
	"context"
	"net"
	"time"

	"karta/sim/vpcd"
)

// Timeout bounds every exchange on a Conn.
const Timeout = 10 * time.Second

// Server listens where a vpcd reader would.
type Server struct {
	ln *net.TCPListener
}

// Listen starts a Server on addr; "" is a free port of 127.0.0.1.
func Listen(addr string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Server{ln: ln.(*net.TCPListener)}, nil
}

// Addr is the address to give the card (vpcd.Options.Addr).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Accept waits for a card to connect, or for ctx to end.
func (s *Server) Accept(ctx context.Context) (*Conn, error) {
	stop := context.AfterFunc(ctx, func() { s.ln.SetDeadline(time.Now()) })
	defer stop()
	c, err := s.ln.Accept()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return &Conn{c: c}, nil
}

// Close stops listening: the card's next connection attempt is refused.
func (s *Server) Close() error { return s.ln.Close() }

// Conn is one card in the fake reader.
type Conn struct {
	c net.Conn
}

// ATR asks for the card's ATR.
func (c *Conn) ATR() ([]byte, error) { return c.Exchange([]byte{vpcd.CtrlATR}) }

// PowerOn, PowerOff and Reset send the control command; the card does not
// answer them.
func (c *Conn) PowerOn() error  { return c.Send([]byte{vpcd.CtrlPowerOn}) }
func (c *Conn) PowerOff() error { return c.Send([]byte{vpcd.CtrlPowerOff}) }
func (c *Conn) Reset() error    { return c.Send([]byte{vpcd.CtrlReset}) }

// Transmit sends a command APDU and returns the card's response. A card
// that has left answers io.EOF.
func (c *Conn) Transmit(apdu []byte) ([]byte, error) { return c.Exchange(apdu) }

// Exchange sends one message and reads one back.
func (c *Conn) Exchange(msg []byte) ([]byte, error) {
	if err := c.Send(msg); err != nil {
		return nil, err
	}
	c.c.SetReadDeadline(time.Now().Add(Timeout))
	return vpcd.ReadMessage(c.c)
}

// Send sends one message without waiting for an answer.
func (c *Conn) Send(msg []byte) error {
	c.c.SetWriteDeadline(time.Now().Add(Timeout))
	return vpcd.WriteMessage(c.c, msg)
}

// Close hangs up, as vpcd does when pcscd stops.
func (c *Conn) Close() error { return c.c.Close() }
