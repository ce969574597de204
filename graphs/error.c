/* error.c — messages for the fo_error codes. */
#include "fo_error.h"

const char *fo_strerror(int code)
{
	switch (code) {
	case FO_OK: return "success";
	case FO_ENOMEM: return "out of memory";
	case FO_EINVAL: return "invalid argument";
	case FO_EINPUT: return "invalid input";
	case FO_EIO: return "input/output error";
	case FO_ENOTFOUND: return "not found";
	case FO_ELIMIT: return "limit exceeded";
	case FO_EGRAPH: return "graph library error";
	case FO_ERENDER: return "diagram library error";
	}
	return "unknown error";
}
