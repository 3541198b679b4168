# Read by ctest (a TEST_INCLUDE_FILES of tests/CMakeLists.txt, after the discovered GoogleTest tests):
# the longest tests get a COST, so that `ctest -j N` starts them first and the suite does not end on one
# long test with the other cores idle. ctest orders by these until it has timed a run of its own (in
# build*/Testing/Temporary/CTestCostData.txt); a fresh clone, as in CI, has none. A COST is a weight
# for the order, not a limit: the values are about the seconds each took under ASan+UBSan, the slowest
# of the suites. A name that no longer exists is ignored; a slow test missing here only starts later.
# e2e.postgis and e2e.scripts.fetch_layers (not discovered) get theirs in tests/CMakeLists.txt.
set(cartelier_test_costs
  e2e.PrintPdf.TheThreeSeedMapsBuildAsPdfX3 45
  e2e.Territories.EachExportedPerimeterIsTheUnionOfItsMemberCommunes 42
  e2e.Export.TheSeedSitesInEachFormatReadBackWithTheirIdsValuesTypesAndCoordinates 37
  e2e.Export.ReprojectedWithCrsTheSitesLieWherePROJPutsThem 37
  e2e.SeedMaps.TheThreeMapsBuildWithEverySiteLabelledAndDrawnInItsColour 33
  GeojsonReader.TheIgnLayersAreReadAsGdalReadsThem 31
  e2e.Preview.SavingTheStyleShowsTheNewRenderingAndABrokenStyleItsErrorsOverTheLastGoodImage 23
  e2e.Territories.ASiteOutsideItsTerritoryOrWithACodeThatLostItsZeroIsAnError 22
  e2e.Preview.ClickingASiteShowsItsIdSessionAndEvaluatedColourWithTheStyleLine 20
  StyleTyped.OneConstStyleEvaluatedByFourThreads 18
  Golden.AtlasPages 17
  e2e.ServeHttp.ClientsThatStopReadingHoldUpNeitherTheRenderingNorTheOthers 17
  e2e.Interrupted.ABuildKilledHalfwayLeavesNoPartialFileAndTheNextBuildRecovers 16
  Golden.SeedMaps 14
  Placement.SeedMapsLabelEverySiteWithoutAnyOverlap 14
  Furniture.SeedInsetsHideTheLeastLandTheirCandidatesCan 14
  Placement.SessionsMapLabelsAreNotNearerAnotherSite 13
  e2e.ServeHttp.NoRequestPathReachesTheFileSystem 13
  e2e.ServeHttp.EventStreamsAnnounceEachNewStateAndCtrlCStopsTheServerCleanly 13
  e2e.GeoreferencedPng.GdalReadsLambert93AndFindsEachSeedSiteOnItsPixel 12
  Projection.TheImageBoundsOfABoxHoldTheImageOfEveryPointOfIt 12
  e2e.ServeAtlas.AnAtlasPageIsRenderedWhenFirstAskedForAndTheIndexListsEveryPage 11
  e2e.ServeHttp.AnUnknownMapOrABusyPortIsAnErrorAtStart 11
  e2e.ServeHttp.OnlyGetIsAnsweredAndGarbageIsRefused 11
  e2e.JoinScale.ATableWhoseCodesLostTheirLeadingZeroIsRecognisedAndNormalisedOnRequest 10
)
list(LENGTH cartelier_test_costs n)
math(EXPR last "${n} - 1")
foreach(i RANGE 0 ${last} 2)
  math(EXPR j "${i} + 1")
  list(GET cartelier_test_costs ${i} name)
  list(GET cartelier_test_costs ${j} cost)
  set_tests_properties(${name} PROPERTIES COST ${cost})
endforeach()
