package main

import "strings"

func splitName(name string) []string { return strings.Fields(name) }
func joinName(words []string) string { return strings.Join(words, " ") }
