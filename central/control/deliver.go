package control

import (
	"context"
	"errors"
	"fmt"

	tapsync "karta/sync"
)

// configs publishes, retained, every device's config newer than the one
// published, when the stamp says something changed.
func (dl *Downlink) configs(ctx context.Context) error {
	stamp, err := dl.Store.ConfigStamp(ctx)
	if err != nil || stamp == dl.stamp {
		return err
	}
	vs, err := dl.Store.ConfigVersions(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, v := range vs {
		if v.Version <= dl.published[v.Device] || dl.revoked[v.Device] {
			continue
		}
		if err := dl.publishConfig(ctx, v.Device); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		dl.stamp = stamp
	}
	return errors.Join(errs...)
}

func (dl *Downlink) publishConfig(ctx context.Context, device string) error {
	version, signed, err := dl.Store.Config(ctx, device)
	if err == nil {
		err = dl.Conn.Publish(tapsync.ConfigTopic(device), 1, true, signed)
	}
	if err != nil {
		return fmt.Errorf("config of %s: %w", device, err)
	}
	dl.published[device] = version
	dl.Log.Info("control: config published", "device", device, "version", version)
	return nil
}

// commands publishes, once, each command the store lets this instance
// claim; one that fails to publish is released for the next poll.
func (dl *Downlink) commands(ctx context.Context) error {
	cs, err := dl.Store.ClaimCommands(ctx, dl.Now())
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range cs {
		err := dl.Conn.Publish(tapsync.CmdTopic(c.Device), 1, false, c.Signed)
		if err == nil {
			dl.Log.Info("control: command sent", "device", c.Device, "id", c.ID, "kind", c.Kind)
			continue
		}
		if rerr := dl.Store.ReleaseCommand(ctx, c.ID); rerr != nil {
			err = errors.Join(err, rerr)
		}
		errs = append(errs, fmt.Errorf("command %s to %s: %w", c.ID, c.Device, err))
	}
	return errors.Join(errs...)
}
