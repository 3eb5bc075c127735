// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_IO_PROT_RES
 * tracks: the TTM caching rework after v5.10 (the commit is not identified
 *	here): ttm_io_prot() takes the BO and its resource and reads the
 *	caching from them; before, it took the placement's caching flags.
 * lines: 6.1 6.12 7.2 7.3
 */
#include "ttm_bo_any.h"
#include <drm/ttm/ttm_resource.h>

pgprot_t nvlf_probe(struct ttm_buffer_object *bo, struct ttm_resource *res,
		    pgprot_t prot)
{
	return ttm_io_prot(bo, res, prot);
}
