// RAII around GDAL/OGR: datasets and features close themselves; GDAL's error messages are captured
// instead of printed, so that Cartelier can say them with the file they concern.
#pragma once

#include <string>

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

namespace cartelier::data {

/// Registers GDAL drivers once per process.
void ensure_gdal_registered();

/// While alive, GDAL errors are collected here instead of going to stderr.
class GdalErrorCapture {
public:
    GdalErrorCapture();
    ~GdalErrorCapture();
    GdalErrorCapture(const GdalErrorCapture&) = delete;
    GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;

    /// The last error message GDAL reported, or empty.
    const std::string& last() const { return last_; }
    /// Forgets the last error (to tell whether a later call reports one).
    void clear() { last_.clear(); }

private:
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum code, const char* message);
    std::string last_;
};

/// Throws std::runtime_error saying `what`, followed by the last error GDAL reported when there is one.
[[noreturn]] void fail_with_gdal_error(const std::string& what, const GdalErrorCapture& errors);

/// For a catch block of the module's C boundary (module_abi.h): what the exception being handled says
/// (or that it is not a std::exception) into `what`, `*message` pointed at it. Returns
/// CARTELIER_GDAL_EXCEPTION. Never throws.
int exception_status(std::string& what, const char** message) noexcept;

/// Opens a vector dataset read-only; null when it cannot be opened (see GdalErrorCapture).
GDALDatasetUniquePtr open_vector(const std::string& path);

}  // namespace cartelier::data
