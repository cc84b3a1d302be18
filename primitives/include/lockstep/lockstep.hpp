#pragma once
// Everything a model needs: #include <lockstep/lockstep.hpp>
#include <lockstep/atomic.hpp>
#include <lockstep/condition_variable.hpp>
#include <lockstep/explore.hpp>
#include <lockstep/locks.hpp>
#include <lockstep/mutex.hpp>
#include <lockstep/semaphore.hpp>
#include <lockstep/thread.hpp>
