// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * canary: must compile on every supported kernel, with nouveau's own
 * include paths.  If it does not, no nouveau probe result can be trusted.
 */
#include "nouveau_drv.h"
#include "nouveau_dma.h"
#include "nouveau_fence.h"
#include "nouveau_abi16.h"
#include "nouveau_chan.h"

int nvlf_probe(struct nouveau_channel *chan)
{
	return chan->chid + atomic_read(&chan->killed);
}
