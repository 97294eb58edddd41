#include "flowkernels.h"
#include <stdio.h>

void flowlab_line_buffer_stdout(void) { setvbuf(stdout, NULL, _IOLBF, 0); }
