#pragma once
// lockstep::asyncio: C++20 coroutine tasks on an event loop that the checker runs
// on a lockstep thread, with asyncio's primitives. #include <lockstep/asyncio.hpp>
#include <lockstep/asyncio/barrier.hpp>
#include <lockstep/asyncio/condition.hpp>
#include <lockstep/asyncio/event.hpp>
#include <lockstep/asyncio/event_loop.hpp>
#include <lockstep/asyncio/future.hpp>
#include <lockstep/asyncio/gather.hpp>
#include <lockstep/asyncio/lock.hpp>
#include <lockstep/asyncio/queue.hpp>
#include <lockstep/asyncio/semaphore.hpp>
#include <lockstep/asyncio/task.hpp>
#include <lockstep/asyncio/wait_for.hpp>
