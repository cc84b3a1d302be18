#pragma once
// A failure for tools and for bug reports: JSON, and a self-contained HTML page
// that draws each execution as swimlanes, one column per thread.
#include <string>

#include <lockstep/result.hpp>

namespace lockstep {

std::string to_json(const failure& f);
std::string to_swimlanes(const failure& f);

} // namespace lockstep
