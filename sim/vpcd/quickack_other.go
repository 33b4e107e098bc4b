//go:build !linux

package vpcd

import "net"

// quickAck is Linux only; elsewhere APDUs may wait for delayed ACKs.
func quickAck(net.Conn) {}
