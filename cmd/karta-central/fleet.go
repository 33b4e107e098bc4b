package main

import "karta/central/api"

// fleet is what the API's device registration and decommissioning act on:
// the store, the embedded broker's revocation and the fleet CA.
func (c *instance) fleet() api.Fleet { return nil }
