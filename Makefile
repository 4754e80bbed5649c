# The README's commands. A thin wrapper over CMake + Ninja + CTest.
#   make demo   install deps, build, write the example patient, ingest it, show the store,
#               then serve it (API + dashboard) on PORT until Ctrl-C
#   make test   install deps, build, run every test (fast and long)
#   make bench / clean
BUILD ?= build
JUMEAU := $(BUILD)/jumeau/cli/jumeau
DEMO ?= demo
# TVB's default 76-region connectome (shared data) for the brain twin.
CONNECTOME ?= ../shared/data/connectome/connectivity_76.zip
CMAKE_FLAGS ?= -DJUMEAU_WERROR=ON
PORT ?= 8080

.PHONY: all deps configure build test demo bench clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j2

test: build
	cd $(BUILD) && ctest --output-on-failure -j2

demo: build
	rm -rf $(DEMO)
	$(JUMEAU) example --out $(DEMO)/example --cohort 40
	$(JUMEAU) init $(DEMO)/patient.jumeau
	$(JUMEAU) ingest $(DEMO)/patient.jumeau $(DEMO)/example/ecg.hea $(DEMO)/example/eeg.edf \
	  $(DEMO)/example/eeg_24bit.bdf $(DEMO)/example/history.json $(DEMO)/example/genome.vcf \
	  $(DEMO)/example/wearable.csv --patient example
	$(JUMEAU) patients $(DEMO)/patient.jumeau
	$(JUMEAU) timeline $(DEMO)/patient.jumeau example
	$(JUMEAU) streams $(DEMO)/patient.jumeau example
	$(JUMEAU) events $(DEMO)/patient.jumeau example --code 8480-6 --from 2013-01-01T00:00:00Z --limit 4
	$(JUMEAU) signal $(DEMO)/patient.jumeau example MLII --from +00:01:00 --to +00:01:01 --points 8
	$(JUMEAU) signal $(DEMO)/patient.jumeau example MLII --points 6
	$(JUMEAU) genotype $(DEMO)/patient.jumeau example --region chr1:1-5000000
	$(JUMEAU) score $(DEMO)/patient.jumeau example --pgs $(DEMO)/example/score.txt
	$(JUMEAU) analyze $(DEMO)/patient.jumeau example
	$(JUMEAU) score-beats $(DEMO)/patient.jumeau example --reference atr --test ecg/1
	$(JUMEAU) twin build $(DEMO)/patient.jumeau example --as-of 2015-01-01
	$(JUMEAU) twin update $(DEMO)/patient.jumeau example > /dev/null
	$(JUMEAU) twin show $(DEMO)/patient.jumeau example
	$(JUMEAU) twin simulate $(DEMO)/patient.jumeau example --scenario resistance=-20%
	$(JUMEAU) ingest $(DEMO)/patient.jumeau $(DEMO)/example/cohort
	$(JUMEAU) cohort fit $(DEMO)/patient.jumeau --model logistic --features 8480-6 8462-4 \
	  --range 8480-6=80:250 --range 8462-4=40:150 --sources 1 --out $(DEMO)/blood_pressure_model.json
	$(JUMEAU) twin build $(DEMO)/patient.jumeau example --model progression \
	  --from-cohort $(DEMO)/blood_pressure_model.json --threshold 8480-6:140 --until 2040
	@if [ -e $(CONNECTOME) ]; then set -ex; \
	  $(JUMEAU) ingest $(DEMO)/patient.jumeau $(CONNECTOME) --patient example; \
	  $(JUMEAU) twin build $(DEMO)/patient.jumeau example --model brain; \
	  $(JUMEAU) twin simulate $(DEMO)/patient.jumeau example --scenario resect:rPFCM --samples 4; \
	  $(JUMEAU) twin build $(DEMO)/patient.jumeau example --model brain --brain-model epileptor --ez rAMYG,rHC,rPHC; \
	  $(JUMEAU) twin simulate $(DEMO)/patient.jumeau example --scenario resect:rHC; \
	else echo "demo: no connectome at $(CONNECTOME); skipping the brain twin"; fi
	@token=$$($(JUMEAU) token create $(DEMO)/patient.jumeau --role clinician --label demo \
	  | sed -n 's/^token [0-9]* (clinician): //p'); \
	echo; echo "Dashboard: http://127.0.0.1:$(PORT)/#token=$$token"; \
	echo "API token:  $$token   (curl -H 'Authorization: Bearer $$token' http://127.0.0.1:$(PORT)/api/v1/patients)"; \
	echo "Ctrl-C stops the server."; \
	$(JUMEAU) serve $(DEMO)/patient.jumeau --port $(PORT)

bench: build
	bench/run_all.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(DEMO)
