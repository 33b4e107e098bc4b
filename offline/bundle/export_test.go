package bundle

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
)

// Record encoders, for tests that craft chunks the Writer would refuse.
var (
	AppendPut    = appendPut
	AppendDelete = appendDelete
)

// SignRaw signs m as it is, around chunks that gzip each of records as it
// is: m.Chunks and m.KeyID are filled in, nothing is checked.
func SignRaw(key *SigningKey, m Manifest, records ...[]byte) *Bundle {
	var chunks [][]byte
	for _, r := range records {
		chunks = append(chunks, Gzip(r))
	}
	return SignChunks(key, m, chunks...)
}

// SignChunks is SignRaw with chunks taken as they are.
func SignChunks(key *SigningKey, m Manifest, chunks ...[]byte) *Bundle {
	b := &Bundle{Chunks: chunks}
	m.Chunks, m.KeyID = nil, key.id
	for _, c := range chunks {
		sum := sha256.Sum256(c)
		m.Chunks = append(m.Chunks, Chunk{Size: len(c), SHA256: hex.EncodeToString(sum[:])})
	}
	signed, err := signManifest(key, &m)
	if err != nil {
		panic(err)
	}
	b.Signed = signed
	return b
}

// SignEnvelope signs arbitrary manifest bytes.
func SignEnvelope(key *SigningKey, manifest []byte) []byte {
	b, err := jsonEnvelope(envelope{KeyID: key.id, Manifest: manifest, Sig: key.sign(manifest)})
	if err != nil {
		panic(err)
	}
	return b
}

// Gzip compresses b as a chunk.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
