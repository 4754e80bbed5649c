#include "jumeau/io/connectome.h"
#include <gtest/gtest.h>
