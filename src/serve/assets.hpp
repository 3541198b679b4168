// The pages `cartelier serve` sends, from src/serve/assets/ (compiled in: the program serves no file).
#pragma once

namespace cartelier::serve {

/// The index of the project's maps: "<!--MAPS-->" is replaced by the list, "<!--PROBLEMS-->" by the
/// project file's problems.
extern const char* const kIndexHtml;
/// A map's preview: "{{MAP_ID}}" (a quoted JSON string in its script) and {{MAP_TITLE}} are replaced.
extern const char* const kPreviewHtml;

}  // namespace cartelier::serve
