#include "config.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace cudasim {

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::size_t digits = i;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == i) return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t k = i; k < digits; ++k) {
    const std::uint64_t next = value * 10 + static_cast<std::uint64_t>(text[k] - '0');
    if (next / 10 != value) return std::nullopt;
    value = next;
  }
  std::string unit;
  for (std::size_t k = digits; k < text.size(); ++k) {
    if (!std::isspace(static_cast<unsigned char>(text[k]))) {
      unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[k]))));
    }
  }
  std::uint64_t scale = 1;
  if (unit.empty() || unit == "b") {
    scale = 1;
  } else if (unit == "k" || unit == "kib" || unit == "kb") {
    scale = 1ull << 10;
  } else if (unit == "m" || unit == "mib" || unit == "mb") {
    scale = 1ull << 20;
  } else if (unit == "g" || unit == "gib" || unit == "gb") {
    scale = 1ull << 30;
  } else if (unit == "t" || unit == "tib" || unit == "tb") {
    scale = 1ull << 40;
  } else {
    return std::nullopt;
  }
  if (value != 0 && value * scale / scale != value) return std::nullopt;
  return value * scale;
}

namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : nullptr;
}

void complain(const char* name, const char* value, const char* what) {
  std::fprintf(stderr, "cudasim: ignoring %s=\"%s\": expected %s\n", name, value, what);
}

}  // namespace

DriverConfig config_from_environment() {
  DriverConfig cfg;
  if (const char* v = env("CUDASIM_DEVICES")) {
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    if (end != v && *end == '\0' && n >= 0 && n <= 16) {
      cfg.devices = static_cast<int>(n);
    } else {
      complain("CUDASIM_DEVICES", v, "a count from 0 to 16");
    }
  }
  if (const char* v = env("CUDASIM_DEVICE_MEMORY")) {
    const auto bytes = parse_size(v);
    if (bytes && *bytes > 0) {
      cfg.device_memory = *bytes;
    } else {
      complain("CUDASIM_DEVICE_MEMORY", v, "a size such as 256MiB or 4GiB");
    }
  }
  if (const char* v = env("CUDASIM_LINK_GBPS")) {
    char* end = nullptr;
    const double g = std::strtod(v, &end);
    if (end != v && *end == '\0' && g > 0) {
      cfg.link_gbps = g;
    } else {
      complain("CUDASIM_LINK_GBPS", v, "a positive number of GB/s");
    }
  }
  if (const char* v = env("CUDASIM_VMM_COST")) {
    if (const auto cost = vmm_cost_profile(v)) {
      cfg.vmm_cost = *cost;
    } else {
      complain("CUDASIM_VMM_COST", v, "none or h200");
    }
  }
  if (const char* v = env("CUDASIM_LINK")) {
    std::string name(v);
    bool ok = name.size() < 200;
    for (char c : name)
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
    if (ok) {
      cfg.link_name = name;
    } else {
      complain("CUDASIM_LINK", v, "a name of letters, digits, '-', '_' or '.'");
    }
  }
  for (int i = 0; i < cfg.devices; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "0000:%02x:00.0", 0x17 + i);
    cfg.pci_bus_ids.emplace_back(id);
  }
  if (const char* v = env("CUDASIM_PCI_BUS_IDS")) {
    std::stringstream in(v);
    std::string item;
    std::vector<std::string> ids;
    while (std::getline(in, item, ',')) ids.push_back(item);
    bool ok = true;
    for (const auto& id : ids) {
      unsigned dom = 0, bus = 0, dev = 0, fn = 0;
      char tail = 0;
      ok = ok && std::sscanf(id.c_str(), "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) == 4;
    }
    if (ok && !ids.empty()) {
      for (std::size_t i = 0; i < ids.size() && i < cfg.pci_bus_ids.size(); ++i)
        cfg.pci_bus_ids[i] = ids[i];
    } else {
      complain("CUDASIM_PCI_BUS_IDS", v,
               "a comma-separated list such as 0000:3b:00.0,0000:5e:00.0");
    }
  }
  return cfg;
}

}  // namespace cudasim
