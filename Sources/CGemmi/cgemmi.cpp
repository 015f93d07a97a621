#include "cgemmi.h"
extern "C" const char *cgemmi_version(void) { return "placeholder"; }
