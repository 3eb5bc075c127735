// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_NVIF_CHAN_GPFIFO
 * tracks: nouveau's GPFIFO (indirect buffer) submission moved into struct
 *	nvif_chan (nvif/chan.c, seen between v6.12 and v7.2; the commit is
 *	not identified here): nvif_chan_gpfifo_wait() and _push() replace
 *	nv50_dma_push(), the three-argument nouveau_dma_wait() and
 *	chan->dma.ib_max; a channel has an IB when its class is a GPFIFO one.
 * lines: 7.2 7.3
 */
#include "nouveau_drv.h"
#include "nouveau_chan.h"

int nvlf_probe(struct nouveau_channel *chan, u64 addr, u32 len)
{
	int ret = nvif_chan_gpfifo_wait(&chan->chan, 1, 16);

	nvif_chan_gpfifo_push(&chan->chan, addr, len, false);
	return ret;
}
