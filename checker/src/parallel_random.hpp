#pragma once
// Random search on several OS threads (options.workers).
#include <functional>

#include <lockstep/options.hpp>
#include <lockstep/result.hpp>

namespace lockstep::detail {

result explore_random_in_parallel(const std::function<void()>& model, const options& opts);

} // namespace lockstep::detail
