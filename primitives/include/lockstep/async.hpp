#pragma once
// lockstep::async: C++20 coroutine tasks on an event loop that the checker runs
// on a lockstep thread, with asyncio's primitives. #include <lockstep/async.hpp>
#include <lockstep/async/barrier.hpp>
#include <lockstep/async/condition.hpp>
#include <lockstep/async/event.hpp>
#include <lockstep/async/event_loop.hpp>
#include <lockstep/async/future.hpp>
#include <lockstep/async/gather.hpp>
#include <lockstep/async/lock.hpp>
#include <lockstep/async/queue.hpp>
#include <lockstep/async/semaphore.hpp>
#include <lockstep/async/task.hpp>
#include <lockstep/async/wait_for.hpp>
