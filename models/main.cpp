// lockstep-models: the runner over the project's catalogue of models.
#include <iostream>

#include "catalog.hpp"

int main(int argc, char** argv) {
    return lockstep::run_models(lockstep::models::catalog(), argc, argv, std::cout, std::cerr);
}
