// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_NVIF_CHAN_GPFIFO_POST
 * tracks: nvif_chan_gpfifo_post() (seen in v7.2): after the user's
 *	GPFIFO entries, a semaphore release in the channel's own push
 *	buffer lets the kernel track how far the GPU has read (Fermi and
 *	later).  Probed apart from nvif_chan_gpfifo.c: the first form of
 *	nvif_chan may not have it.
 * lines: 7.2 7.3
 */
#include "nouveau_drv.h"
#include "nouveau_chan.h"

int nvlf_probe(struct nouveau_channel *chan)
{
	return nvif_chan_gpfifo_post(&chan->chan);
}
