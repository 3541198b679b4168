// Interrupting a build: SIGINT/SIGTERM set a flag; the build starts no new map or format, writes no
// further output, and the command exits with 128 + the signal number. A second signal kills at once
// (the default action); the temporary files it may leave are removed by the next build.
#pragma once

namespace cartelier::pipeline {

/// Installs the SIGINT/SIGTERM handlers (idempotent).
void install_interrupt_handlers();
/// The signal received (SIGINT, SIGTERM), or 0.
int interrupt_signal();
/// For tests and for the pipeline: request cancellation as if a signal had come.
void request_interrupt(int signal_number);

/// Thrown by a stage that stops because of an interrupt.
struct Interrupted {
    int signal_number;
};

/// Throws Interrupted if a signal came.
void throw_if_interrupted();

}  // namespace cartelier::pipeline
