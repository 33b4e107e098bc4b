// Package offline owns what a device keeps on its own disk so that it can
// decide with no network: the lists (whitelist and stoplist, keyed by card
// token), the counters, the tap journal, and the signed list bundle format.
//
// Two bbolt files hold it, lists.db and journal.db, each kept well under
// 512 MiB so that 32-bit ARM devices can map them. A tap is journaled before
// the person is signalled and pruned only after central's ack.
//
// Today it holds package token (offline/token): the keyed HMAC tokens that
// stand for card numbers everywhere in karta. The stores follow.
package offline
