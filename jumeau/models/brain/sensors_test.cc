#include "jumeau/models/brain/sensors.h"
#include <gtest/gtest.h>
