#include "data/gdal/gdal_handles.hpp"

#include <exception>
#include <stdexcept>

#include <fmt/format.h>
#include <mutex>

#include "data/gdal/module_abi.h"

namespace cartelier::data {

namespace {
thread_local GdalErrorCapture* active_capture = nullptr;
}

void ensure_gdal_registered() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

GdalErrorCapture::GdalErrorCapture() {
    active_capture = this;
    CPLPushErrorHandler(&GdalErrorCapture::handler);
}

GdalErrorCapture::~GdalErrorCapture() {
    CPLPopErrorHandler();
    active_capture = nullptr;
}

void CPL_STDCALL GdalErrorCapture::handler(CPLErr level, CPLErrorNum, const char* message) {
    if (active_capture && level >= CE_Failure && message) active_capture->last_ = message;
}

void fail_with_gdal_error(const std::string& what, const GdalErrorCapture& errors) {
    throw std::runtime_error(errors.last().empty() ? what : fmt::format("{}: {}", what, errors.last()));
}

int exception_status(std::string& what, const char** message) noexcept {
    try {
        throw;
    } catch (const std::exception& e) {
        try {
            what = e.what();
        } catch (...) {
            what.clear();
        }
    } catch (...) {
        what = "an exception that is not a std::exception";
    }
    *message = what.c_str();
    return CARTELIER_GDAL_EXCEPTION;
}

GDALDatasetUniquePtr open_vector(const std::string& path) {
    ensure_gdal_registered();
    return GDALDatasetUniquePtr(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
}

}  // namespace cartelier::data
