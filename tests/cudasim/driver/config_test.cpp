// The CUDASIM_* configuration: sizes with units, bad values keep defaults.
#include <gtest/gtest.h>

#include <cstdlib>

#include "config.h"

using cudasim::config_from_environment;
using cudasim::parse_size;

TEST(Config, ParseSize) {
  EXPECT_EQ(parse_size("1073741824"), 1073741824u);
  EXPECT_EQ(parse_size("256MiB"), 256u << 20);
  EXPECT_EQ(parse_size("4GiB"), 4ull << 30);
  EXPECT_EQ(parse_size("4 gb"), 4ull << 30);
  EXPECT_EQ(parse_size("512K"), 512u << 10);
  EXPECT_EQ(parse_size("2TiB"), 2ull << 40);
  EXPECT_FALSE(parse_size(""));
  EXPECT_FALSE(parse_size("MiB"));
  EXPECT_FALSE(parse_size("12 parsecs"));
  EXPECT_FALSE(parse_size("-5MiB"));
  EXPECT_FALSE(parse_size("99999999999999999999999"));
  EXPECT_FALSE(parse_size("16777216TiB"));  // overflows 64 bits
}

TEST(Config, FromEnvironment) {
  setenv("CUDASIM_DEVICES", "3", 1);
  setenv("CUDASIM_DEVICE_MEMORY", "64MiB", 1);
  setenv("CUDASIM_LINK_GBPS", "2.5", 1);
  setenv("CUDASIM_LINK", "node-a", 1);
  setenv("CUDASIM_PCI_BUS_IDS", "0000:3b:00.0,0000:5e:00.0", 1);
  setenv("CUDASIM_VMM_COST", "h200", 1);
  auto cfg = config_from_environment();
  EXPECT_EQ(cfg.devices, 3);
  EXPECT_EQ(cfg.device_memory, 64u << 20);
  EXPECT_DOUBLE_EQ(cfg.link_gbps, 2.5);
  EXPECT_EQ(cfg.link_name, "node-a");
  ASSERT_EQ(cfg.pci_bus_ids.size(), 3u);
  EXPECT_EQ(cfg.pci_bus_ids[0], "0000:3b:00.0");
  EXPECT_EQ(cfg.pci_bus_ids[1], "0000:5e:00.0");
  EXPECT_EQ(cfg.pci_bus_ids[2], "0000:19:00.0");  // default for the rest
  EXPECT_DOUBLE_EQ(cfg.vmm_cost.set_access_us_per_mib * 16, 194.5);
  EXPECT_DOUBLE_EQ(cfg.vmm_cost.release_us_per_call, 10.8);

  // Malformed values keep the defaults (and say so on stderr).
  setenv("CUDASIM_DEVICES", "many", 1);
  setenv("CUDASIM_DEVICE_MEMORY", "lots", 1);
  setenv("CUDASIM_LINK_GBPS", "-1", 1);
  setenv("CUDASIM_LINK", "../etc", 1);
  setenv("CUDASIM_PCI_BUS_IDS", "bus zero", 1);
  setenv("CUDASIM_VMM_COST", "a100", 1);
  cfg = config_from_environment();
  EXPECT_EQ(cfg.devices, 1);
  EXPECT_EQ(cfg.device_memory, 1u << 30);
  EXPECT_DOUBLE_EQ(cfg.link_gbps, 12.0);
  EXPECT_EQ(cfg.link_name, "");
  ASSERT_EQ(cfg.pci_bus_ids.size(), 1u);
  EXPECT_EQ(cfg.pci_bus_ids[0], "0000:17:00.0");
  EXPECT_DOUBLE_EQ(cfg.vmm_cost.set_access_us_per_mib, 0.0);
  EXPECT_DOUBLE_EQ(cfg.vmm_cost.alloc_us_per_mib, 0.0);
}
