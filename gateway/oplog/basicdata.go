package oplog

import "maps"

// ObjectBasicData is a data set of the trade platform's basic data;
// ObjectBasicDataSync a sync of it.
const (
	ObjectBasicData     = "basic_data"
	ObjectBasicDataSync = "basic_data_sync"
)

// The basic data routes (gateway/basicdata) join the action table here.
func init() {
	maps.Copy(actions, map[string]Action{
		"GET /api/v1/basic-data/sets/:dataset": {Command: "basic_data.list", NameZh: "查询基础数据", ObjectType: ObjectBasicData,
			ObjectParam: "dataset"},
		"GET /api/v1/basic-data/syncs":     {Command: "basic_data.syncs", NameZh: "查看基础数据同步记录", ObjectType: ObjectBasicDataSync},
		"GET /api/v1/basic-data/syncs/:id": {Command: "basic_data.sync", NameZh: "查看基础数据同步结果", ObjectType: ObjectBasicDataSync, ObjectParam: "id"},
		"POST /api/v1/basic-data/syncs":    {Command: "basic_data.sync_now", NameZh: "立即同步基础数据", ObjectType: ObjectBasicDataSync},
	})
}
