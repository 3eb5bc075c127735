// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_NOUVEAU_CLI_UVMM
 * tracks: "drm/nouveau: implement new VM_BIND uAPI" (v6.6): a client that
 *	set up VM_BIND must not use the legacy GEM_PUSHBUF, which then
 *	returns -ENOSYS.
 * lines: 6.12 7.2 7.3
 */
#include "nouveau_drv.h"

bool nvlf_probe(struct nouveau_cli *cli)
{
	return !!nouveau_cli_uvmm(cli);
}
