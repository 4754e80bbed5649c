#include "jumeau/models/brain/network.h"
#include <gtest/gtest.h>
