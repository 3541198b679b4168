// Writing outputs: always to a temporary file in the same folder, renamed into place only when
// complete, so that a failed or interrupted build never leaves a half-written map; and the clean-up
// of the temporary files a killed build left behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cartelier::pipeline {

/// Whether a file written atomically is also flushed to the disk before it is renamed into place:
/// an output or a state must survive a power cut (`Synced`); a cache file, whose reader checks what it
/// reads and can make it again, need not wait for the disk (`Unsynced`).
enum class Durability { Synced, Unsynced };

/// Writes `bytes` to `path` atomically (temporary file, fsync unless Unsynced, rename). Throws Error on
/// failure.
void write_atomically(const std::filesystem::path& path, const std::string& bytes,
                      Durability durability = Durability::Synced);

/// A file written in parts, atomically: its bytes go to a temporary file beside `path`
/// (`.NAME.tmp-PID`), which commit() fsyncs (unless Unsynced) and renames into place. Destroyed without
/// commit() (an error, an exception), the temporary file is removed and `path` is left as it was.
/// A Synced file asks the kernel to start writing each MiB out as soon as it is written (Linux's
/// sync_file_range), so that the fsync of a large file (an atlas' series) waits for its tail only.
/// Throws Error naming `path` on failure.
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path path, Durability durability = Durability::Synced);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(const void* data, std::size_t size);
    /// Flushes what is written so far to the disk (fdatasync), so that close() waits for what is written
    /// after only: for a file written in bursts, between which the caller waits (an atlas' series, for a
    /// page being drawn). Nothing for an Unsynced file.
    void sync();
    /// Ends the writing: fsyncs the temporary file (unless Unsynced) and closes it, leaving only its
    /// rename to commit() (a caller that decides later whether the file is wanted has it on the disk).
    void close();
    /// Renames the temporary file into place, after close() if it was not called.
    void commit();

private:
    [[noreturn]] void fail(const char* what);
    std::filesystem::path path_;
    std::filesystem::path tmp_;
    Durability durability_;
    int fd_ = -1;
    std::uint64_t written_ = 0;    ///< bytes written so far
    std::uint64_t kicked_to_ = 0;  ///< the bytes before this are being written out (Synced)
};

/// Has the file system holding `dir` write out what is pending in it (syncfs: its dirty data and its
/// journal), and waits for it. For a process that wrote files unsynced and has time to spare: the next
/// fsync of an output on that file system then waits for that output alone, not for everything
/// written since the file system's last commit (ext4 commits every file renamed into place with it).
/// Only a hint: a failure is ignored.
void flush_file_system(const std::filesystem::path& dir);

/// Creates the folder `dir` and its parents if missing. Throws Error naming it on failure (a name too
/// long, a file in the way, no permission), never std::filesystem_error.
void create_folder(const std::filesystem::path& dir);

/// Removes the temporary files (`.ID.ext.tmp-PID`, and the state's `.ID.json.tmp-PID`) that a killed
/// build of these maps left in the output folder and its state folder: those whose process is gone,
/// or older than an hour. Returns how many were removed.
std::size_t remove_stale_temp_files(const std::string& out_dir, const std::vector<std::string>& map_ids);

}  // namespace cartelier::pipeline
